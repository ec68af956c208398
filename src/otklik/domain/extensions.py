"""Deadline rules of 59-ФЗ beyond the first deadline: the extension (art. 12 p. 2) and the pause while the
citizen is asked for details.

Art. 12 p. 2: in exceptional cases the head of the body (or an official authorised by them) may extend the
term by no more than 30 days, telling the citizen. The law allows it once; a rejected request leaves the appeal
unextended, so a new, better-reasoned request may follow — a pending or an approved one blocks another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from otklik.domain.calendar import MOSCOW, WorkCalendar
from otklik.domain.errors import Conflict, InvalidInput

MAX_EXTENSION_DAYS = 30


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass
class Extension:
    appeal_id: int
    days: int
    reason: str
    requested_by: str
    requested_at: datetime
    agency_id: str | None
    status: str = ExtensionStatus.PENDING.value
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    due_before: datetime | None = None  # the deadline when decided
    due_after: datetime | None = None  # the deadline after an approval
    id: int | None = None

    @property
    def status_enum(self) -> ExtensionStatus:
        return ExtensionStatus(self.status)

    def decide(self, *, approve: bool, by: str, at: datetime, comment: str | None, due_before: datetime | None) -> None:
        if self.status_enum is not ExtensionStatus.PENDING:
            raise Conflict(f"запрос на продление {self.id} уже рассмотрен")
        self.status = (ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED).value
        self.decided_by, self.decided_at, self.due_before = by, at, due_before
        self.comment = comment.strip() if comment and comment.strip() else None


def check_extension_request(days: int, reason: str, earlier: Iterable[Extension], number: str) -> None:
    """1..30 calendar days, a reason, and no other request pending or approved for the appeal."""
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(f"продлить срок можно на 1–{MAX_EXTENSION_DAYS} дней (59-ФЗ, ст. 12, ч. 2), а не на {days}")
    if not reason.strip():
        raise InvalidInput("для продления срока нужна причина: она будет сообщена заявителю")
    for extension in earlier:
        if extension.status_enum is ExtensionStatus.PENDING:
            raise Conflict(f"запрос на продление срока по обращению {number} уже ждёт решения")
        if extension.status_enum is ExtensionStatus.APPROVED:
            raise Conflict(f"срок по обращению {number} уже продлевался: 59-ФЗ допускает одно продление")


def extension_notice(number: str, due_at: datetime, reason: str) -> str:
    return f"Срок рассмотрения обращения № {number} продлён до {due_at.astimezone(MOSCOW):%d.%m.%Y}: {reason.strip()}"


def working_hours_between(calendar: WorkCalendar, start: datetime, end: datetime) -> float:
    """Working time (hours) of the production calendar between two moments: what a pause took from the body."""
    if end <= start:
        return 0.0
    total = timedelta()
    day: date = start.astimezone(calendar.tz).date()
    last = end.astimezone(calendar.tz).date()
    while day <= last:
        if calendar.is_working_day(day):
            for begin, finish in calendar.intervals(day):
                overlap = min(finish, end) - max(begin, start)
                if overlap > timedelta():
                    total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def resume_deadline(calendar: WorkCalendar, due: datetime, paused_hours: float) -> datetime:
    """A deadline after a pause: moved on by the working hours the pause lasted (none over a weekend)."""
    if paused_hours <= 0:
        return due
    return calendar.add_working_hours(due, paused_hours)


@dataclass
class DetailsRequest:
    """A question to the citizen; while it waits, the appeal's deadline clock stands still."""

    appeal_id: int
    question: str
    asked_by: str
    asked_at: datetime
    reply_id: int | None = None
    answer: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    paused_hours: float | None = None  # the working hours the clock stood still, once answered
    id: int | None = None

    @property
    def waiting(self) -> bool:
        return self.answered_at is None
