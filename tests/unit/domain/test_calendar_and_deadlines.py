"""Working time on the Russian production calendar, and deadlines per appeal kind."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from otklik.domain.appeal_kind import AppealKind, Priority
from otklik.domain.calendar import MOSCOW, WorkCalendar
from otklik.domain.deadlines import compute_deadlines
from otklik.reference.files import load_deadline_policies, load_working_hours
from otklik.reference.production_calendar import russian_calendar


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return russian_calendar(2024, 2027, hours=load_working_hours())


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)  # type: ignore[misc]


def test_holidays_and_transferred_days(calendar: WorkCalendar) -> None:
    assert not calendar.is_working_day(date(2026, 11, 4))  # Unity Day
    assert not calendar.is_working_day(date(2026, 1, 9))  # day off moved from 3 January
    assert calendar.is_working_day(date(2025, 11, 1))  # a Saturday made working
    assert not calendar.is_working_day(date(2026, 11, 28))  # an ordinary Saturday
    assert calendar.is_working_day(date(2026, 11, 27))


def test_working_hours_skip_lunch_night_and_weekend(calendar: WorkCalendar) -> None:
    friday_afternoon = msk(2026, 11, 27, 16, 0)
    # 2 h left on Friday (16–18), then Monday 9–13 (4 h), 14–16 (2 h) = 8 h
    assert calendar.add_working_hours(friday_afternoon, 8) == msk(2026, 11, 30, 16, 0)
    assert calendar.add_working_hours(msk(2026, 11, 30, 12, 30), 1) == msk(2026, 11, 30, 14, 30)
    assert calendar.add_working_hours(msk(2026, 11, 30, 23, 0), 1) == msk(2026, 12, 1, 10, 0)


def test_working_hours_jump_the_new_year_holidays(calendar: WorkCalendar) -> None:
    # 1 h left on 30 Dec; 31 Dec 2026 and 1–8 Jan 2027 are off (2–3 Jan fall on a weekend and stay off)
    assert calendar.add_working_hours(msk(2026, 12, 30, 17, 0), 2) == msk(2027, 1, 11, 10, 0)


def test_working_days_around_a_holiday(calendar: WorkCalendar) -> None:
    # Tue 3 Nov 2026 + 2 working days: Wed 4 Nov is a holiday → Thu 5, Fri 6
    assert calendar.add_working_days(msk(2026, 11, 3, 11, 0), 2) == msk(2026, 11, 6, 18, 0)


def test_calendar_days_deadline_moves_off_a_day_off(calendar: WorkCalendar) -> None:
    # 59-ФЗ: 30 days from Thu 29 Oct 2026 is Sat 28 Nov → Mon 30 Nov
    assert calendar.add_calendar_days(msk(2026, 10, 29, 12, 0), 30) == msk(2026, 11, 30, 18, 0)


def test_naive_start_is_refused(calendar: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_hours(datetime(2026, 11, 27, 10, 0), 1)


@pytest.mark.parametrize(
    ("kind", "priority", "first", "final"),
    [
        (AppealKind.INCIDENT, Priority.NORMAL, msk(2026, 11, 30, 12, 0), msk(2026, 12, 8, 18, 0)),
        (AppealKind.INCIDENT, Priority.HIGH, msk(2026, 11, 27, 17, 0), msk(2026, 12, 8, 18, 0)),
        (AppealKind.MESSAGE, Priority.NORMAL, msk(2026, 11, 30, 12, 0), msk(2026, 12, 11, 18, 0)),
        (AppealKind.APPEAL_59FZ, Priority.HIGH, None, msk(2026, 12, 28, 18, 0)),
    ],
)
def test_policies(
    calendar: WorkCalendar, kind: AppealKind, priority: Priority, first: datetime | None, final: datetime
) -> None:
    registered = msk(2026, 11, 27, 12, 0)  # Friday noon
    deadlines = compute_deadlines(load_deadline_policies()[kind], registered, priority, calendar)
    assert deadlines.first_response_due_at == first
    assert deadlines.due_at == final
    assert deadlines.explanation
