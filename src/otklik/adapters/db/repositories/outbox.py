"""Outbox events: written with the change they announce, claimed once by whoever dispatches them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.outbox import outbox


@dataclass(frozen=True)
class OutboxEvent:
    id: int
    topic: str
    payload: dict[str, Any]


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, topic: str, payload: dict[str, Any], *, at: datetime) -> int:
        result = self._session.execute(
            insert(outbox).values(topic=topic, payload=payload, created_at=at).returning(outbox.c.id)
        )
        return int(result.scalar_one())

    def pending(self, limit: int) -> list[OutboxEvent]:
        query = select(outbox).where(outbox.c.dispatched_at.is_(None)).order_by(outbox.c.id).limit(limit)
        return [OutboxEvent(r["id"], r["topic"], r["payload"]) for r in self._session.execute(query).mappings()]

    def record_failure(self, event_id: int, *, error: str, park_after: int, at: datetime) -> bool:
        """Count a failed handler run; after `park_after` failures the event is parked (dispatched, with its
        error) so one poison event does not run on every drain. True when it was parked."""
        self._session.execute(
            update(outbox).where(outbox.c.id == event_id).values(attempts=outbox.c.attempts + 1, last_error=error)
        )
        result = self._session.execute(
            update(outbox)
            .where(outbox.c.id == event_id, outbox.c.attempts >= park_after, outbox.c.dispatched_at.is_(None))
            .values(dispatched_at=at)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def claim(self, event_id: int, *, at: datetime) -> bool:
        """True for exactly one caller, however many race for the same event."""
        result = self._session.execute(
            update(outbox).where(outbox.c.id == event_id, outbox.c.dispatched_at.is_(None)).values(dispatched_at=at)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
