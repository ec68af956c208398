"""Inbound messages: insert once per (channel, external id), lock for processing, record the outcome."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Insert, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.message_batch_pg import insert_announced
from otklik.adapters.db.repositories.outbox import OutboxRepository
from otklik.adapters.db.tables.messages import messages
from otklik.domain.channels import Channel
from otklik.domain.message import Attachment, Author, InboundMessage, MessageOutcome, StoredMessage


class DuplicateMessage(Exception):
    """The (channel, external id) is already stored."""


def _insert_once(insert: Any) -> Insert:
    """INSERT … ON CONFLICT (channel, external_id) DO NOTHING RETURNING the key: a duplicate returns no row and
    leaves the transaction usable, without a savepoint's two extra round trips. On PostgreSQL an insert of a key
    that a concurrent transaction has just inserted waits for it, then conflicts (or goes ahead if that one rolled
    back); on SQLite writers hold the write lock from BEGIN, so they never overlap. Given many rows, SQLAlchemy
    sends them as one multi-row statement ("insertmanyvalues")."""
    statement: Insert = insert(messages).on_conflict_do_nothing(index_elements=["channel", "external_id"])
    return statement.returning(messages.c.id, messages.c.channel, messages.c.external_id)


# Built once (the values are bound per call): the accept path pays no statement construction per message.
_INSERT_ONCE = {"postgresql": _insert_once(postgresql.insert), "sqlite": _insert_once(sqlite.insert)}


# Bound by names of their own: an executemany of UPDATE … WHERE id = :m_id, one per message of a worker's batch.
_RECORD_OUTCOME = (
    update(messages)
    .where(messages.c.id == bindparam("m_id"))
    .values(
        outcome=bindparam("outcome"),
        outcome_reason=bindparam("reason"),
        appeal_id=bindparam("appeal"),
        processed_at=bindparam("at"),
    )
)


class Outcome(NamedTuple):
    message_id: int
    outcome: MessageOutcome
    reason: str
    appeal_id: int | None


_AUTHOR_FIELDS = tuple(f.name for f in fields(Author))  # flat strings: dataclasses.asdict's deep copy costs more


def _row(message: InboundMessage, received_at: datetime) -> dict[str, Any]:
    return {
        "channel": message.channel.value,
        "external_id": message.external_id,
        "text": message.text,
        "author": {name: getattr(message.author, name) for name in _AUTHOR_FIELDS},
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


class MessageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, message: InboundMessage, received_at: datetime) -> int:
        """Insert once per (channel, external id); DuplicateMessage when the key is already stored (the
        transaction stays usable)."""
        (inserted,) = self.add_many([message], received_at)
        if inserted is None:
            raise DuplicateMessage(f"{message.channel.value}:{message.external_id}")
        return inserted

    def add_many(self, batch: list[InboundMessage], received_at: datetime) -> list[int | None]:
        """Insert each message whose (channel, external id) is not stored yet, in one statement; the new ids in
        the batch's order, None for a key already stored or repeated earlier in the batch. Core on the session's
        connection: no ORM work on the accept path."""
        connection = self._session.connection()
        keys = [(m.channel.value, m.external_id) for m in batch]
        first = {key: index for index, key in reversed(list(enumerate(keys)))}
        # In key order: two processes inserting overlapping batches then wait for each other in one order, never
        # in a cycle (a deadlock would cost both a second and a retry).
        rows = [_row(batch[index], received_at) for _key, index in sorted(first.items())]
        inserted = {
            (r.channel, r.external_id): int(r.id)
            for r in connection.execute(_INSERT_ONCE[connection.dialect.name], rows)
        }
        return [inserted.get(key) if first[key] == index else None for index, key in enumerate(keys)]

    def add_many_announced(self, batch: list[InboundMessage], received_at: datetime, topic: str) -> list[int | None]:
        """`add_many`, and an outbox event `topic` {"message_id": id} for each message inserted, in the same
        transaction. On PostgreSQL one statement of fixed text does both (repositories/message_batch_pg.py)."""
        if not batch:
            return []
        connection = self._session.connection()
        if connection.dialect.name != "postgresql":
            ids = self.add_many(batch, received_at)
            payloads = [{"message_id": i} for i in ids if i is not None]
            OutboxRepository(self._session).add_many(topic, payloads, at=received_at)
            return ids
        keys = [(m.channel.value, m.external_id) for m in batch]
        first = {key: index for index, key in reversed(list(enumerate(keys)))}
        ordered = [batch[index] for _key, index in sorted(first.items())]  # key order: see add_many
        inserted = insert_announced(connection, ordered, received_at, topic, _AUTHOR_FIELDS)
        return [inserted.get(key) if first[key] == index else None for index, key in enumerate(keys)]

    def get(self, message_id: int, *, lock: bool = False) -> StoredMessage | None:
        query = select(messages).where(messages.c.id == message_id)
        if lock:
            query = query.with_for_update()
        row = self._session.execute(query).mappings().first()
        return _to_stored(row) if row else None

    def get_many(self, message_ids: Collection[int], *, lock: bool = False) -> dict[int, StoredMessage]:
        """The stored messages of these ids, in one statement. Locked in id order: two workers locking
        overlapping batches (a re-delivery) then wait for each other in one order, never in a cycle."""
        if not message_ids:
            return {}
        query = select(messages).where(messages.c.id.in_(sorted(set(message_ids)))).order_by(messages.c.id)
        if lock:
            query = query.with_for_update()
        return {int(row["id"]): _to_stored(row) for row in self._session.execute(query).mappings()}

    def get_by_key(self, channel: Channel, external_id: str) -> StoredMessage | None:
        query = select(messages).where(messages.c.channel == channel.value, messages.c.external_id == external_id)
        row = self._session.execute(query).mappings().first()
        return _to_stored(row) if row else None

    def record_outcomes(self, outcomes: Sequence[Outcome], *, at: datetime) -> None:
        """Several messages' outcomes in one executemany (a worker's batch)."""
        if not outcomes:
            return
        rows = [
            {"m_id": o.message_id, "outcome": o.outcome.value, "reason": o.reason, "appeal": o.appeal_id, "at": at}
            for o in outcomes
        ]
        self._session.connection().execute(_RECORD_OUTCOME, rows)

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
