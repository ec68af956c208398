"""Deliveries back to channels: enqueue once per idempotency key, claim due ones, record the result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.outbox import deliveries


@dataclass(frozen=True)
class Delivery:
    id: int
    appeal_id: int
    channel: str
    kind: str
    recipient: dict[str, Any]
    text: str
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    external_ref: str | None
    sent_at: datetime | None
    created_at: datetime
    claimed_at: datetime | None = None


@dataclass(frozen=True)
class DeliveryCount:
    channel: str
    status: str
    count: int


# What is not finished (waiting, being sent) and what will never be (dead letters); `sent` grows for ever.
BACKLOG_STATUSES = ("pending", "sending", "dead")


def _enqueue_once(dialect_insert: Any) -> Any:
    """An insert that skips a key already queued and returns the new row's id only when it inserted one."""
    statement = dialect_insert(deliveries).on_conflict_do_nothing(index_elements=["idempotency_key"])
    return statement.returning(deliveries.c.id)


_ENQUEUE_ONCE = {"postgresql": _enqueue_once(postgresql.insert), "sqlite": _enqueue_once(sqlite.insert)}


def _enqueue_many(dialect_insert: Any) -> Any:
    """The same for many rows in one statement: the keys it returns are the rows it inserted."""
    statement = dialect_insert(deliveries).on_conflict_do_nothing(index_elements=["idempotency_key"])
    return statement.returning(deliveries.c.idempotency_key)


_ENQUEUE_MANY = {"postgresql": _enqueue_many(postgresql.insert), "sqlite": _enqueue_many(sqlite.insert)}


class DeliveryRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def enqueue(
        self,
        *,
        appeal_id: int,
        channel: str,
        kind: str,
        recipient: dict[str, Any],
        text: str,
        idempotency_key: str,
        at: datetime,
    ) -> bool:
        """False when a delivery with that key exists already: the notice is not queued twice."""
        values = {
            "appeal_id": appeal_id,
            "channel": channel,
            "kind": kind,
            "recipient": recipient,
            "text": text,
            "idempotency_key": idempotency_key,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": at,
            "created_at": at,
        }
        # ON CONFLICT rather than a savepoint around a plain insert: two statements and a flush fewer for every
        # appeal a worker registers (docs/processes.md).
        dialect = self._session.get_bind().dialect.name
        return self._session.execute(_ENQUEUE_ONCE[dialect], values).first() is not None

    def enqueue_many(self, notices: Sequence[Mapping[str, Any]], *, at: datetime) -> set[str]:
        """Several deliveries (appeal_id, channel, kind, recipient, text, idempotency_key each) in one statement;
        the keys of those queued now (a key queued before is skipped, as by `enqueue`)."""
        if not notices:
            return set()
        queued = {"status": "pending", "attempts": 0, "next_attempt_at": at, "created_at": at}
        rows = [{**notice, **queued} for notice in notices]
        dialect = self._session.get_bind().dialect.name
        return set(self._session.connection().execute(_ENQUEUE_MANY[dialect], rows).scalars())

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        query = (
            select(deliveries)
            .where(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now)
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
            .limit(limit)
        )
        return [Delivery(**dict(r)) for r in self._session.execute(query).mappings()]

    def for_appeal(self, appeal_id: int) -> list[Delivery]:
        query = select(deliveries).where(deliveries.c.appeal_id == appeal_id).order_by(deliveries.c.id)
        return [Delivery(**dict(r)) for r in self._session.execute(query).mappings()]

    def interrupted(self, claimed_before: datetime, limit: int) -> list[Delivery]:
        """Deliveries a worker took for sending and never finished (it crashed or was killed)."""
        query = (
            select(deliveries)
            .where(deliveries.c.status == "sending", deliveries.c.claimed_at < claimed_before)
            .order_by(deliveries.c.id)
            .limit(limit)
        )
        return [Delivery(**dict(r)) for r in self._session.execute(query).mappings()]

    def release(self, delivery_id: int, *, at: datetime) -> bool:
        """Back to pending after an interrupted send; False when someone else finished or released it."""
        result = self._session.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id, deliveries.c.status == "sending")
            .values(status="pending", next_attempt_at=at, last_error="interrupted while sending")
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def claim(self, delivery_id: int, *, attempts: int, at: datetime) -> bool:
        """Compare-and-set on the attempt counter: two workers never send the same delivery at once."""
        result = self._session.execute(
            update(deliveries)
            .where(
                deliveries.c.id == delivery_id,
                deliveries.c.status == "pending",
                deliveries.c.attempts == attempts,
            )
            .values(status="sending", attempts=attempts + 1, claimed_at=at)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def mark_sent(self, delivery_id: int, *, at: datetime, external_ref: str | None) -> None:
        self._set(delivery_id, status="sent", sent_at=at, external_ref=external_ref, last_error=None)

    def mark_retry(self, delivery_id: int, *, next_attempt_at: datetime, error: str) -> None:
        self._set(delivery_id, status="pending", next_attempt_at=next_attempt_at, last_error=error)

    def mark_dead(self, delivery_id: int, *, error: str) -> None:
        self._set(delivery_id, status="dead", last_error=error)

    def _set(self, delivery_id: int, **values: Any) -> None:
        self._session.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(**values))

    def backlog_counts(self) -> list[DeliveryCount]:
        """Deliveries per channel in each status of `BACKLOG_STATUSES` (read through the `ix_deliveries_due` index)."""
        query = (
            select(deliveries.c.channel, deliveries.c.status, func.count())
            .where(deliveries.c.status.in_(BACKLOG_STATUSES))
            .group_by(deliveries.c.channel, deliveries.c.status)
        )
        return [DeliveryCount(channel, status, int(n)) for channel, status, n in self._session.execute(query)]
