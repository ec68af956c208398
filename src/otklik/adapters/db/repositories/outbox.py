"""Outbox events: written with the change they announce, claimed once by whoever dispatches them.

States, from the columns: pending (neither published nor done), published (handed to a broker, not done yet),
done (`dispatched_at` set, no error) and parked (`dispatched_at` set with the error of its last failed run)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.outbox import outbox


@dataclass(frozen=True)
class OutboxEvent:
    id: int
    topic: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class OutboxCount:
    state: str
    topic: str
    count: int


@dataclass(frozen=True)
class OutboxFailures:
    topic: str
    failed_runs: int  # failed handler runs recorded on the rows (a replay starts them afresh)
    parked: int


_PARKED = and_(outbox.c.dispatched_at.is_not(None), outbox.c.last_error.is_not(None))
_STATE = case(
    (_PARKED, "parked"),
    (outbox.c.dispatched_at.is_not(None), "done"),
    (outbox.c.published_at.is_not(None), "published"),
    else_="pending",
)


_ADD = insert(outbox).returning(outbox.c.id)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, topic: str, payload: dict[str, Any], *, at: datetime) -> int:
        # Core on the session's connection, the statement built once: it is on every message's accept path.
        result = self._session.connection().execute(_ADD, {"topic": topic, "payload": payload, "created_at": at})
        return int(result.scalar_one())

    def add_many(self, topic: str, payloads: list[dict[str, Any]], *, at: datetime) -> None:
        """Events of one topic in one statement (a batch of accepted messages)."""
        if payloads:
            rows = [{"topic": topic, "payload": payload, "created_at": at} for payload in payloads]
            self._session.connection().execute(insert(outbox), rows)

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
        """Mark the event done. True for exactly one caller, however many race for the same event."""
        result = self._session.execute(
            update(outbox)
            .where(outbox.c.id == event_id, outbox.c.dispatched_at.is_(None))
            .values(dispatched_at=at, last_error=None)  # an error of an earlier, retried run no longer matters
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def get(self, event_id: int) -> tuple[OutboxEvent, bool] | None:
        """The event and whether it is finished (done or parked): a broker's re-delivery of a finished one is
        acknowledged without running its handler again."""
        row = self._session.execute(select(outbox).where(outbox.c.id == event_id)).mappings().first()
        if row is None:
            return None
        return OutboxEvent(row["id"], row["topic"], row["payload"]), row["dispatched_at"] is not None

    def unfinished(self, event_ids: list[int]) -> list[OutboxEvent]:
        """Of these events, those neither done nor parked, in id order (one statement for a worker's batch)."""
        query = select(outbox).where(outbox.c.id.in_(event_ids), outbox.c.dispatched_at.is_(None)).order_by(outbox.c.id)
        return [OutboxEvent(r["id"], r["topic"], r["payload"]) for r in self._session.execute(query).mappings()]

    def claim_many(self, event_ids: list[int], *, at: datetime) -> int:
        """Mark these events done in one statement; how many were not done before."""
        if not event_ids:
            return 0
        result = self._session.execute(
            update(outbox)
            .where(outbox.c.id.in_(event_ids), outbox.c.dispatched_at.is_(None))
            .values(dispatched_at=at, last_error=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def claim_for_publishing(self, limit: int, *, republish_before: datetime, at: datetime) -> list[int]:
        """The ids of events to hand to the broker, in id order, marked published at `at` in the same statement:
        the never-published, and those published before `republish_before` and still not done (a broker that lost
        them, a worker killed between). Locked with SKIP LOCKED, so two relays never take the same rows; they stay
        locked until the caller commits (after publishing) or rolls back (they go next round). One statement that
        reads ids only: reading whole rows and then marking them by a list of ids cost the API process, where the
        relay runs, ≈ 8 % of its CPU under a stream of messages (docs/ingestion.md)."""
        chosen = (
            select(outbox.c.id)
            .where(
                outbox.c.dispatched_at.is_(None),
                or_(outbox.c.published_at.is_(None), outbox.c.published_at < republish_before),
            )
            .order_by(outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = update(outbox).where(outbox.c.id.in_(chosen)).values(published_at=at).returning(outbox.c.id)
        return sorted(int(event_id) for event_id in self._session.execute(claim).scalars())

    def mark_published(self, event_ids: list[int], *, at: datetime) -> None:
        self._session.execute(update(outbox).where(outbox.c.id.in_(event_ids)).values(published_at=at))

    def counts(self) -> list[OutboxCount]:
        """How many events are in each state, per topic."""
        query = select(_STATE.label("state"), outbox.c.topic, func.count()).group_by(_STATE, outbox.c.topic)
        return [OutboxCount(state, topic, int(n)) for state, topic, n in self._session.execute(query)]

    def unfinished_counts(self) -> list[OutboxCount]:
        """Pending and published events per topic: the part of `counts` that stays cheap on a large table (the
        unfinished are few and indexed, the finished are not read)."""
        query = (
            select(_STATE.label("state"), outbox.c.topic, func.count())
            .where(outbox.c.dispatched_at.is_(None))
            .group_by(_STATE, outbox.c.topic)
        )
        return [OutboxCount(state, topic, int(n)) for state, topic, n in self._session.execute(query)]

    def failures(self) -> list[OutboxFailures]:
        """Per topic, the failed handler runs and the parked events, read from the rows that ever failed only
        (the partial index `ix_outbox_failed`)."""
        parked = func.sum(case((_PARKED, 1), else_=0))
        query = (
            select(outbox.c.topic, func.sum(outbox.c.attempts), parked)
            .where(outbox.c.attempts > 0)
            .group_by(outbox.c.topic)
        )
        return [OutboxFailures(topic, int(runs), int(n)) for topic, runs, n in self._session.execute(query)]

    def oldest_unfinished_age(self, now: datetime) -> timedelta | None:
        """How long the oldest pending or published event has waited: the outbox lag."""
        oldest = self._session.execute(
            select(func.min(outbox.c.created_at)).where(outbox.c.dispatched_at.is_(None))
        ).scalar_one()
        return None if oldest is None else now - oldest

    def replay(self, *, topic: str | None = None, event_id: int | None = None) -> int:
        """Un-park events (all, one topic's, or one): they are pending again with a fresh count of attempts."""
        query = update(outbox).where(_PARKED)
        if topic is not None:
            query = query.where(outbox.c.topic == topic)
        if event_id is not None:
            query = query.where(outbox.c.id == event_id)
        result = self._session.execute(query.values(dispatched_at=None, published_at=None, attempts=0, last_error=None))
        return int(result.rowcount)  # type: ignore[attr-defined]
