"""Deadline reminders reach people: the body's executor(s) and head at 50 %, 80 % and overdue, and on overdue
the center's moderators (regional, and the district office of the appeal's municipality) — by e-mail through the
delivery outbox, and in the workplace as the appeal's `deadline_reminder` events (`reminders_for`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from otklik.adapters.db.repositories.staff import StaffRecord
from otklik.domain.access import Action, Principal, Role, authorize, scope_of
from otklik.domain.calendar import MOSCOW
from otklik.domain.events import EventType
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)
STAFF_REMINDER = "staff_reminder"  # the delivery kind of a reminder to a person of a body or of the center

_TEXTS = {
    "50%": "Прошла половина срока по обращению № {number}. Срок ответа — {due}.",
    "80%": "Осталось меньше пятой части срока по обращению № {number}. Срок ответа — {due}.",
    "overdue": "Обращение № {number} просрочено: срок ответа истёк {due}. Обращение передано на контроль ЦУР.",
}


def _recipients(uow: UnitOfWork, payload: dict[str, Any], municipality_id: str | None) -> list[StaffRecord]:
    agency_id = payload.get("agency_id")
    people: list[StaffRecord] = []
    if agency_id:  # the body's people hear of every threshold
        people += uow.staff.users_with_role([Role.EXECUTOR.value, Role.AGENCY_HEAD.value], agency_id=agency_id)
    if payload.get("escalation") or payload.get("addressed_to") == "moderators":
        people += uow.staff.users_with_role([Role.REGIONAL_MODERATOR.value])
        people += [
            user
            for user in uow.staff.users_with_role([Role.DISTRICT_MODERATOR.value])
            if user.municipality_id == municipality_id
        ]
    unique = {user.id: user for user in people if user.email}
    return list(unique.values())


def on_deadline_reminder(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    """Idempotent: each (reminder, person) is one delivery key, so a redelivered event queues nothing twice."""
    appeal_id = int(payload["appeal_id"])
    due = datetime.fromisoformat(str(payload["due_at"])).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
    text = _TEXTS.get(str(payload["kind"]), _TEXTS["overdue"]).format(number=payload.get("number"), due=due)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        appeal = uow.appeals.get(appeal_id)
        if appeal is None:
            return
        queued = 0
        for person in _recipients(uow, payload, appeal.municipality_id):
            queued += uow.deliveries.enqueue(
                appeal_id=appeal_id,
                channel="email",
                kind=STAFF_REMINDER,
                recipient={"channel": "email", "author": {"name": person.name, "email": person.email}, "context": {}},
                text=text,
                idempotency_key=f"reminder:{payload['reminder_id']}:staff:{person.id}",
                at=now,
            )
        uow.commit()
    log.info("deadline.reminder_queued", appeal_id=appeal_id, kind=payload["kind"], letters=queued)


@dataclass(frozen=True)
class ReminderItem:
    appeal_id: int
    number: str
    kind: str
    due_at: str
    at: datetime


def reminders_for(ctx: ServiceContext, principal: Principal, *, days: int = 7, limit: int = 50) -> list[ReminderItem]:
    """The workplace's list: recent reminders on the appeals in the person's scope, newest first."""
    authorize(principal, Action.READ)
    since = ctx.clock.now() - timedelta(days=days)
    with ctx.uow(readonly=True) as uow:
        rows = uow.appeals.recent_events(EventType.DEADLINE_REMINDER.value, scope_of(principal), since, limit=limit)
    return [
        ReminderItem(event.appeal_id, number, str(event.data.get("kind")), str(event.data.get("due_at")), event.at)
        for event, number in rows
    ]
