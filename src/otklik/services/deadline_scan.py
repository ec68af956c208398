"""The deadline scanner: reminders at 50 % and 80 % of an appeal's time, and the overdue escalation.

Run by `otklik sla scan` (cron, a worker loop): any number of scanners may run at once or again after a
restart — each reminder is recorded under a unique (appeal, kind, deadline) key in the same transaction as its
history event and its outbox row, so it fires once and the e-mail notifier sees exactly what fired.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from otklik.adapters.db.repositories.reminders import ReminderRepository
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.reminders import ReminderKind, addressed_to, due_reminder
from otklik.domain.status import OPEN_STATUSES
from otklik.services.context import ServiceContext
from otklik.services.registration import SYSTEM_ACTOR

DEADLINE_REMINDER = "deadline.reminder"  # outbox topic: what an e-mail notifier subscribes to
log = structlog.get_logger(__name__)


def scan_deadlines(ctx: ServiceContext) -> int:
    """Fire every reminder due now; the number fired by this call (0 when others fired them first)."""
    now = ctx.clock.now()
    with ctx.uow(readonly=True) as uow:
        deadlines = ReminderRepository(uow.session).open_deadlines(s.value for s in OPEN_STATUSES)
    fired = 0
    for deadline in deadlines:
        kind = due_reminder(deadline.created_at, deadline.due_at, now)
        if kind is not None and kind.value not in deadline.fired:
            fired += _fire(ctx, deadline.appeal_id, kind, deadline.due_at, now)
    if fired:
        ctx.bus.after_commit()
    return fired


def _fire(ctx: ServiceContext, appeal_id: int, kind: ReminderKind, due_at: datetime, now: datetime) -> bool:
    """One transaction per reminder: a failure leaves the others, and the next scan retries this one."""
    with ctx.uow() as uow:
        appeal = uow.appeals.get(appeal_id, lock=True)
        # Between the read and now the appeal may have been answered or its deadline moved: then not this one.
        # While the citizen is asked for details the clock stands still: nothing is due (docs/answers.md).
        if appeal is None or appeal.status_enum not in OPEN_STATUSES or appeal.due_at != due_at:
            return False
        if appeal.clock_paused_at is not None:
            return False
        recipient = addressed_to(kind, appeal.status_enum, appeal.agency_id)
        reminder_id = ReminderRepository(uow.session).record(
            appeal_id, kind.value, due_at, addressed_to=recipient, at=now
        )
        if reminder_id is None:  # another scanner recorded it first
            return False
        data = {"kind": kind.value, "due_at": due_at.isoformat(), "addressed_to": recipient}
        uow.appeals.add_event(
            AppealEvent(
                appeal_id=appeal_id, type=EventType.DEADLINE_REMINDER.value, at=now, actor=SYSTEM_ACTOR, data=data
            )
        )
        uow.outbox.add(
            DEADLINE_REMINDER,
            {
                **data,
                "reminder_id": reminder_id,
                "appeal_id": appeal_id,
                "number": appeal.number,
                "agency_id": appeal.agency_id,
                "escalation": kind is ReminderKind.OVERDUE,  # the overdue notice goes to the moderators
            },
            at=now,
        )
        uow.commit()
    log.info("deadline.reminder", appeal_id=appeal_id, kind=kind.value, addressed_to=recipient)
    return True
