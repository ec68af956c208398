"""Deadline reminders: the open deadlines to look at, and recording a reminder exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.reminders import deadline_reminders


@dataclass(frozen=True)
class OpenDeadline:
    appeal_id: int
    created_at: datetime
    due_at: datetime
    fired: frozenset[str]  # reminder kinds already recorded for this deadline


class ReminderRepository:
    """Built on a unit of work's session, so a reminder is written in the same transaction as its event."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def open_deadlines(self, statuses: Iterable[str]) -> list[OpenDeadline]:
        """Appeals in these statuses with a deadline, with the reminders already fired for that deadline
        (a reminder for an earlier deadline — before an extension — does not count)."""
        query = (
            select(appeals.c.id, appeals.c.created_at, appeals.c.due_at, deadline_reminders.c.kind)
            .select_from(appeals)
            .outerjoin(
                deadline_reminders,
                and_(deadline_reminders.c.appeal_id == appeals.c.id, deadline_reminders.c.due_at == appeals.c.due_at),
            )
            .where(appeals.c.status.in_(list(statuses)), appeals.c.due_at.is_not(None))
            .order_by(appeals.c.id)
        )
        found: dict[int, tuple[datetime, datetime, set[str]]] = {}
        for appeal_id, created_at, due_at, kind in self._session.execute(query):
            entry = found.setdefault(appeal_id, (created_at, due_at, set()))
            if kind is not None:
                entry[2].add(kind)
        return [OpenDeadline(key, c, d, frozenset(kinds)) for key, (c, d, kinds) in found.items()]

    def record(self, appeal_id: int, kind: str, due_at: datetime, *, addressed_to: str, at: datetime) -> int | None:
        """The new reminder's id, or None when (appeal, kind, deadline) was recorded before — by this process
        or another scanning at the same time: `ON CONFLICT DO NOTHING` lets the database decide, atomically."""
        dialect = self._session.get_bind().dialect.name
        insert_fn = pg_insert if dialect == "postgresql" else sqlite_insert
        result = self._session.execute(
            insert_fn(deadline_reminders)
            .values(appeal_id=appeal_id, kind=kind, due_at=due_at, addressed_to=addressed_to, fired_at=at)
            .on_conflict_do_nothing(index_elements=["appeal_id", "kind", "due_at"])
            .returning(deadline_reminders.c.id)
        )
        inserted = result.scalar_one_or_none()
        return None if inserted is None else int(inserted)

    def of_appeal(self, appeal_id: int) -> list[tuple[str, datetime, str]]:
        """(kind, due_at, addressed_to) of the reminders fired for an appeal, oldest first."""
        query = (
            select(deadline_reminders.c.kind, deadline_reminders.c.due_at, deadline_reminders.c.addressed_to)
            .where(deadline_reminders.c.appeal_id == appeal_id)
            .order_by(deadline_reminders.c.id)
        )
        return [(kind, due_at, to) for kind, due_at, to in self._session.execute(query)]
