"""Deadline reminders: which one is due for an appeal at a moment, and who it goes to.

A reminder fires when 50 % and when 80 % of the time from registration to the deadline has passed, and an
«overdue» one (the escalation) once the deadline is behind. Only the latest threshold reached is due: an
appeal first seen after its deadline gets the overdue notice, not a stale «half the time is gone» before it.
Each fires once per appeal, threshold and deadline — a moved deadline (an extension) starts afresh.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from otklik.domain.status import AppealStatus


class ReminderKind(StrEnum):
    HALF = "50%"
    LATE = "80%"
    OVERDUE = "overdue"


# (share of the time between registration and the deadline, reminder): in increasing order.
THRESHOLDS: tuple[tuple[float, ReminderKind], ...] = ((0.5, ReminderKind.HALF), (0.8, ReminderKind.LATE))

# Who is told: the body working on the appeal; the center's moderators when it is overdue (escalation) or
# when no body has it yet (the moderators' queue, a redirect waiting for the other body).
MODERATORS = "moderators"
WORKED_BY_AGENCY = frozenset(
    {AppealStatus.ASSIGNED, AppealStatus.IN_PROGRESS, AppealStatus.ANSWERED, AppealStatus.REOPENED}
)


def due_reminder(registered_at: datetime, due_at: datetime, now: datetime) -> ReminderKind | None:
    """The latest reminder reached at `now`, or None before half of the time has passed."""
    if now > due_at:  # as `Appeal.is_overdue`: at the deadline itself the appeal is still on time
        return ReminderKind.OVERDUE
    span = due_at - registered_at
    reached = None
    for share, kind in THRESHOLDS:
        if now >= registered_at + span * share:
            reached = kind
    return reached


def addressed_to(kind: ReminderKind, status: AppealStatus, agency_id: str | None) -> str:
    """`moderators` or `agency:<id>`: the recipient an e-mail notifier resolves to addresses."""
    if kind is ReminderKind.OVERDUE or status not in WORKED_BY_AGENCY or not agency_id:
        return MODERATORS
    return f"agency:{agency_id}"
