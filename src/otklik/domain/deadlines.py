"""Deadline policies per appeal kind: when the first response and the final answer are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from otklik.domain.appeal_kind import AppealKind, Priority
from otklik.domain.calendar import WorkCalendar

Unit = Literal["working_hours", "working_days", "calendar_days"]


@dataclass(frozen=True)
class Span:
    amount: float
    unit: Unit

    def after(self, start: datetime, calendar: WorkCalendar) -> datetime:
        if self.unit == "working_hours":
            return calendar.add_working_hours(start, self.amount)
        if self.unit == "working_days":
            return calendar.add_working_days(start, int(self.amount))
        return calendar.add_calendar_days(start, int(self.amount))


@dataclass(frozen=True)
class DeadlinePolicy:
    kind: AppealKind
    first_response: Span | None
    first_response_urgent: Span | None
    final: Span
    source: str  # where the rule comes from, shown to people who ask why a deadline is what it is


@dataclass(frozen=True)
class Deadlines:
    first_response_due_at: datetime | None
    due_at: datetime
    explanation: str


def compute_deadlines(
    policy: DeadlinePolicy, registered_at: datetime, priority: Priority, calendar: WorkCalendar
) -> Deadlines:
    first_span = policy.first_response
    if priority is Priority.HIGH and policy.first_response_urgent is not None:
        first_span = policy.first_response_urgent
    first = first_span.after(registered_at, calendar) if first_span else None
    final = policy.final.after(registered_at, calendar)
    return Deadlines(first, final, policy.source)
