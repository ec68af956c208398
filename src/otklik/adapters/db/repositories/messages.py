"""Inbound messages: insert once per (channel, external id), lock for processing, record the outcome."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.messages import messages
from otklik.domain.channels import Channel
from otklik.domain.message import Attachment, Author, InboundMessage, MessageOutcome, StoredMessage


class DuplicateMessage(Exception):
    """The (channel, external id) is already stored."""


class MessageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, message: InboundMessage, received_at: datetime) -> int:
        """Insert in a savepoint so a duplicate leaves the surrounding transaction usable."""
        values = {
            "channel": message.channel.value,
            "external_id": message.external_id,
            "text": message.text,
            "author": asdict(message.author),
            "created_at": message.created_at,
            "received_at": received_at,
            "url": message.url,
            "lat": message.lat,
            "lon": message.lon,
            "address": message.address,
            "context": message.context,
            "attachments": [asdict(a) for a in message.attachments],
            "formal": message.formal,
        }
        try:
            with self._session.begin_nested():
                result = self._session.execute(insert(messages).values(**values).returning(messages.c.id))
                return int(result.scalar_one())
        except IntegrityError as error:
            raise DuplicateMessage(f"{message.channel.value}:{message.external_id}") from error

    def get(self, message_id: int, *, lock: bool = False) -> StoredMessage | None:
        query = select(messages).where(messages.c.id == message_id)
        if lock:
            query = query.with_for_update()
        row = self._session.execute(query).mappings().first()
        return _to_stored(row) if row else None

    def get_by_key(self, channel: Channel, external_id: str) -> StoredMessage | None:
        query = select(messages).where(messages.c.channel == channel.value, messages.c.external_id == external_id)
        row = self._session.execute(query).mappings().first()
        return _to_stored(row) if row else None

    def record_outcome(
        self, message_id: int, outcome: MessageOutcome, *, at: datetime, reason: str, appeal_id: int | None
    ) -> None:
        self._session.execute(
            update(messages)
            .where(messages.c.id == message_id)
            .values(outcome=outcome.value, outcome_reason=reason, appeal_id=appeal_id, processed_at=at)
        )


def _to_stored(row: RowMapping) -> StoredMessage:
    author: dict[str, Any] = row["author"] or {}
    message = InboundMessage(
        channel=Channel(row["channel"]),
        external_id=row["external_id"],
        text=row["text"],
        created_at=row["created_at"],
        author=Author(**author),
        url=row["url"],
        lat=row["lat"],
        lon=row["lon"],
        address=row["address"],
        context=row["context"] or {},
        attachments=tuple(Attachment(**a) for a in row["attachments"] or ()),
        formal=row["formal"],
    )
    outcome = MessageOutcome(row["outcome"]) if row["outcome"] else None
    return StoredMessage(row["id"], message, row["received_at"], outcome, row["outcome_reason"], row["appeal_id"])
