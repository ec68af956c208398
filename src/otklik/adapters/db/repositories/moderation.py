"""Queries of the moderators' queue and the bodies' backlogs, on the unit of work's session.

Every query over appeals goes through `visible_in(scope)` (repositories/appeals.py): scoping is decided once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.appeals import visible_in
from otklik.adapters.db.tables.appeals import appeal_events, appeals
from otklik.adapters.db.tables.messages import messages
from otklik.adapters.db.tables.staff import staff_users
from otklik.domain.access import AppealScope
from otklik.domain.appeal import Appeal
from otklik.domain.appeal_kind import Priority
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.message import MessageOutcome
from otklik.domain.status import AppealStatus


@dataclass(frozen=True)
class NotAppealRow:
    """A message the detector judged «not an appeal», as stored: the decision's reason, no score or place."""

    id: int
    channel: str
    text: str
    received_at: datetime
    reason: str | None
    lat: float | None
    lon: float | None
    address: str | None
    context: dict[str, Any]


@dataclass(frozen=True)
class Person:
    id: int
    login: str
    name: str
    role: str
    agency_id: str | None
    active: bool


@dataclass(frozen=True)
class LoadRow:
    assignee_id: int | None
    open: int
    overdue: int
    nearest_due_at: datetime | None


def _deadline_order() -> list[Any]:
    """Deadline first (none last), then high priority, then the oldest."""
    return [
        appeals.c.due_at.is_(None),
        appeals.c.due_at,
        case((appeals.c.priority == Priority.HIGH.value, 0), else_=1),
        appeals.c.created_at,
        appeals.c.id,
    ]


class ModerationQueries:
    def __init__(self, session: Session) -> None:
        self._session = session

    def queue(self, scope: AppealScope, statuses: list[AppealStatus], limit: int) -> list[Appeal]:
        query = (
            select(Appeal)
            .where(visible_in(scope), appeals.c.status.in_([s.value for s in statuses]))
            .order_by(*_deadline_order())
            .limit(limit)
        )
        return list(self._session.scalars(query))

    def moves_to_moderation(self, appeal_ids: list[int]) -> dict[int, AppealEvent]:
        """The latest move into the queue of each appeal: it says whether a body asked for a redirect, and why."""
        if not appeal_ids:
            return {}
        query = (
            select(AppealEvent)
            .where(
                appeal_events.c.appeal_id.in_(appeal_ids),
                appeal_events.c.type == EventType.STATUS_CHANGED.value,
                appeal_events.c.to_status == AppealStatus.NEEDS_MODERATION.value,
            )
            .order_by(appeal_events.c.id)
        )
        return {event.appeal_id: event for event in self._session.scalars(query)}

    def not_appeals(self, since: datetime, window: int) -> list[NotAppealRow]:
        """The newest messages judged «not an appeal» and not turned into one since (at most `window`)."""
        query = (
            select(messages)
            .where(
                messages.c.outcome == MessageOutcome.NOT_AN_APPEAL.value,
                messages.c.appeal_id.is_(None),
                messages.c.received_at >= since,
            )
            .order_by(messages.c.received_at.desc(), messages.c.id.desc())
            .limit(window)
        )
        return [
            NotAppealRow(
                row["id"],
                row["channel"],
                row["text"],
                row["received_at"],
                row["outcome_reason"],
                row["lat"],
                row["lon"],
                row["address"],
                row["context"] or {},
            )
            for row in self._session.execute(query).mappings()
        ]

    def promoted_texts(self) -> list[str]:
        """Texts of appeals a moderator promoted from «not an appeal»: positives the detector missed."""
        promoted = select(appeal_events.c.appeal_id).where(appeal_events.c.type == EventType.PROMOTED.value)
        query = select(appeals.c.text).where(appeals.c.id.in_(promoted)).order_by(appeals.c.id)
        return list(self._session.scalars(query))

    # --- the body's people and backlog ---------------------------------------------------------------------
    def people(self, *, ids: list[int] | None = None, agency_id: str | None = None) -> list[Person]:
        query = select(
            staff_users.c.id,
            staff_users.c.login,
            staff_users.c.name,
            staff_users.c.role,
            staff_users.c.agency_id,
            staff_users.c.active,
        ).order_by(staff_users.c.name, staff_users.c.id)
        if ids is not None:
            query = query.where(staff_users.c.id.in_(ids))
        if agency_id is not None:
            query = query.where(staff_users.c.agency_id == agency_id)
        return [Person(*row) for row in self._session.execute(query)]

    def load_by_assignee(
        self, scope: AppealScope, agency_id: str, statuses: list[AppealStatus], now: datetime
    ) -> list[LoadRow]:
        overdue = func.sum(case((appeals.c.due_at < now, 1), else_=0))
        query = (
            select(appeals.c.assignee_id, func.count(), overdue, func.min(appeals.c.due_at))
            .where(
                visible_in(scope),
                appeals.c.agency_id == agency_id,
                appeals.c.status.in_([s.value for s in statuses]),
            )
            .group_by(appeals.c.assignee_id)
        )
        return [
            LoadRow(assignee_id, int(count), int(late or 0), nearest)
            for assignee_id, count, late, nearest in self._session.execute(query)
        ]

    def agency_appeals(
        self,
        scope: AppealScope,
        agency_id: str,
        statuses: list[AppealStatus],
        now: datetime,
        *,
        assignee_id: int | None = None,
        limit: int = 500,
    ) -> list[Appeal]:
        """Open appeals of one body: overdue first, then by deadline (none last), priority, age."""
        query = select(Appeal).where(
            visible_in(scope),
            appeals.c.agency_id == agency_id,
            appeals.c.status.in_([s.value for s in statuses]),
        )
        if assignee_id is not None:
            query = query.where(appeals.c.assignee_id == assignee_id)
        late_first = case((appeals.c.due_at < now, 0), else_=1)
        return list(self._session.scalars(query.order_by(late_first, *_deadline_order()).limit(limit)))
