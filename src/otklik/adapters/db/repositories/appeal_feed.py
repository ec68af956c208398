"""Read-only feeds of appeals for channels that publish them (Open311): filtered lists, notices, tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.appeals import appeal_events, appeals, replies
from otklik.adapters.db.tables.messages import messages
from otklik.adapters.db.tables.outbox import deliveries
from otklik.domain.appeal import Appeal

# The key services/appeals.py gives a status notice; it names the event the notice tells about.
_STATUS_KEY = re.compile(r"^appeal:\d+:status:(\d+)$")


@dataclass(frozen=True)
class FeedQuery:
    channels: tuple[str, ...]
    numbers: tuple[str, ...] = ()  # when given, every other filter is ignored (Open311 rule)
    topics: tuple[str, ...] = ()
    # Codes the client chose: they stand for the topic while the appeal has none (the classifier gave a group only).
    posted_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    limit: int = 1000


@dataclass(frozen=True)
class FeedRow:
    appeal: Appeal
    context: dict[str, Any]
    attachments: list[dict[str, Any]]
    updated_at: datetime
    last_reply: str | None = None


@dataclass(frozen=True)
class NoticeRow:
    """One notice the citizen was given: the acknowledgement, a status change or a reply."""

    id: int
    appeal_id: int
    appeal_number: str
    kind: str
    text: str
    at: datetime
    status: str  # the appeal status the notice tells about (the event's target, or the status now)
    reject_reason: str | None = None


class AppealFeedRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def requests(self, query: FeedQuery) -> list[FeedRow]:
        last_event = (
            select(appeal_events.c.appeal_id, func.max(appeal_events.c.at).label("updated_at"))
            .group_by(appeal_events.c.appeal_id)
            .subquery()
        )
        stmt: Select[Any] = (
            select(Appeal, messages.c.context, messages.c.attachments, last_event.c.updated_at)
            .join(messages, messages.c.id == appeals.c.message_id)
            .outerjoin(last_event, last_event.c.appeal_id == appeals.c.id)
            .where(appeals.c.channel.in_(query.channels))
        )
        if query.numbers:
            stmt = stmt.where(appeals.c.number.in_(query.numbers))
        else:
            if query.topics or query.posted_codes:
                posted = messages.c.context["open311"]["service_code"].as_string()
                stmt = stmt.where(
                    or_(
                        appeals.c.topic.in_(query.topics),
                        and_(appeals.c.topic.is_(None), posted.in_(query.posted_codes)),
                    )
                )
            if query.statuses:
                stmt = stmt.where(appeals.c.status.in_(query.statuses))
            if query.start is not None:
                stmt = stmt.where(appeals.c.created_at >= query.start)
            if query.end is not None:
                stmt = stmt.where(appeals.c.created_at <= query.end)
        stmt = stmt.order_by(appeals.c.created_at.desc(), appeals.c.id.desc()).limit(query.limit)
        rows = self._session.execute(stmt).all()
        latest = self._latest_replies([row[0].id for row in rows])
        return [
            FeedRow(appeal, context or {}, attachments or [], updated_at or appeal.created_at, latest.get(appeal.id))
            for appeal, context, attachments, updated_at in rows
        ]

    def _latest_replies(self, appeal_ids: list[int]) -> dict[int, str]:
        if not appeal_ids:
            return {}
        query = select(replies.c.appeal_id, replies.c.text).where(replies.c.appeal_id.in_(appeal_ids))
        latest: dict[int, str] = {}
        for appeal_id, text in self._session.execute(query.order_by(replies.c.id)):
            latest[appeal_id] = text
        return latest

    def notices(
        self, channels: tuple[str, ...], start: datetime, end: datetime, *, limit: int, number: str | None = None
    ) -> list[NoticeRow]:
        """Notices of appeals from these channels queued in [start, end]; dead letters are left out."""
        stmt = (
            select(deliveries, appeals.c.number, appeals.c.status.label("appeal_status"), appeals.c.reject_reason)
            .join(appeals, appeals.c.id == deliveries.c.appeal_id)
            .where(
                appeals.c.channel.in_(channels),
                deliveries.c.channel.in_(channels),
                deliveries.c.status != "dead",
                deliveries.c.created_at >= start,
                deliveries.c.created_at <= end,
            )
        )
        if number is not None:
            stmt = stmt.where(appeals.c.number == number)
        rows = self._session.execute(stmt.order_by(deliveries.c.created_at, deliveries.c.id).limit(limit)).mappings()
        rows_list = list(rows)
        targets = self._event_targets(rows_list)
        notices = []
        for row in rows_list:
            match = _STATUS_KEY.match(row["idempotency_key"])
            status = targets.get(int(match[1])) if match else None
            notices.append(
                NoticeRow(
                    id=row["id"],
                    appeal_id=row["appeal_id"],
                    appeal_number=row["number"],
                    kind=row["kind"],
                    text=row["text"],
                    at=row["created_at"],
                    status=status or row["appeal_status"],
                    reject_reason=row["reject_reason"],
                )
            )
        return notices

    def _event_targets(self, rows: list[Any]) -> dict[int, str]:
        event_ids = [int(m[1]) for row in rows if (m := _STATUS_KEY.match(row["idempotency_key"]))]
        if not event_ids:
            return {}
        query = select(appeal_events.c.id, appeal_events.c.to_status).where(appeal_events.c.id.in_(event_ids))
        return {event_id: to_status for event_id, to_status in self._session.execute(query) if to_status}

    def token(self, message_id: int, channel: str) -> tuple[bool, str | None]:
        """(found, appeal number): a message of this channel, and the appeal registered from it if any."""
        query = (
            select(messages.c.id, appeals.c.number)
            .outerjoin(appeals, appeals.c.message_id == messages.c.id)
            .where(messages.c.id == message_id, messages.c.channel == channel)
        )
        row = self._session.execute(query).first()
        if row is None:
            return False, None
        return True, row[1]
