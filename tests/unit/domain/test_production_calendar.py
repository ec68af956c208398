"""The production calendar from the `holidays` package's working-day API, and pre-holiday shortened days.

Every expected value below is worked out by hand from the official calendars (the government's transfer
decrees and the Ministry of Labour's lists of shortened days), never read from the product's tables.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
import pytest

from otklik.domain.calendar import MOSCOW, WorkCalendar, WorkingHours
from otklik.reference.production_calendar import russian_calendar


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return russian_calendar(2024, 2027, hours=WorkingHours())  # 9–18, lunch 13–14


def msk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MOSCOW)


def test_weekends_and_holidays(calendar: WorkCalendar) -> None:
    assert not calendar.is_working_day(date(2026, 11, 7))  # an ordinary Saturday
    assert not calendar.is_working_day(date(2026, 11, 8))  # an ordinary Sunday
    assert not calendar.is_working_day(date(2026, 11, 4))  # Wednesday, Unity Day (ТК ст. 112)
    assert calendar.is_working_day(date(2026, 11, 5))  # the Thursday after it
    assert not calendar.is_working_day(date(2026, 3, 9))  # Mon: 8 March 2026 fell on a Sunday, the day off moves


@pytest.mark.parametrize("day", range(1, 9))
def test_new_year_holidays_2027(calendar: WorkCalendar, day: int) -> None:
    assert not calendar.is_working_day(date(2027, 1, day))  # 1–8 January are non-working holidays


def test_new_year_transfers(calendar: WorkCalendar) -> None:
    assert not calendar.is_working_day(date(2026, 1, 9))  # Fri: the day off of Sat 3 Jan 2026 moved here
    assert not calendar.is_working_day(date(2026, 12, 31))  # Thu: the day off of Sun 4 Jan 2026 moved here
    assert calendar.is_working_day(date(2026, 1, 12))  # Mon 12 Jan 2026: the first working day of the year


def test_working_saturdays(calendar: WorkCalendar) -> None:
    assert calendar.is_working_day(date(2025, 11, 1))  # Sat: its day off moved to Mon 3 Nov 2025
    assert not calendar.is_working_day(date(2025, 11, 3))
    assert calendar.is_working_day(date(2024, 12, 28))  # Sat: day off moved to Mon 30 Dec 2024
    assert calendar.is_working_day(date(2027, 2, 20))  # Sat: day off moved to Mon 22 Feb 2027


def test_agrees_with_the_package_day_by_day(calendar: WorkCalendar) -> None:
    table = holidays.country_holidays("RU", years=range(2024, 2028))
    day = date(2024, 1, 1)
    while day.year < 2028:
        assert calendar.is_working_day(day) == table.is_working_day(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 2, 22),  # Thu before Fri 23 Feb
        date(2024, 11, 2),  # working Sat: works for Tue 30 Apr 2024, the eve of 1 May
        date(2025, 3, 7),  # Fri before Sat 8 March (the holiday itself, though on a weekend)
        date(2025, 4, 30),  # Wed before Thu 1 May
        date(2025, 6, 11),  # Wed before Thu 12 June
        date(2025, 11, 1),  # working Sat: works for Mon 3 Nov, the eve of 4 November
        date(2026, 4, 30),  # Thu before Fri 1 May
        date(2026, 5, 8),  # Fri before Sat 9 May
        date(2026, 6, 11),  # Thu before Fri 12 June
        date(2026, 11, 3),  # Tue before Wed 4 November
    ],
)
def test_shortened_days(calendar: WorkCalendar, day: date) -> None:
    assert day in calendar.shortened_days
    assert calendar.end_of_day(day) == datetime.combine(day, time(17, 0), tzinfo=MOSCOW)


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 12, 28),  # working Sat for Mon 30 Dec, which is followed by the transferred 31 Dec, no holiday
        date(2025, 5, 7),  # Wed before Thu 8 May 2025, a transferred day off (from 23 Feb), not a holiday
        date(2025, 12, 30),  # Tue before the transferred 31 Dec 2025
        date(2026, 2, 20),  # Fri before a plain weekend (the holiday is Mon 23 Feb)
        date(2026, 3, 6),  # Fri before Sat 7 March, a plain Saturday
        date(2026, 11, 2),  # an ordinary Monday
    ],
)
def test_full_days_before_days_off(calendar: WorkCalendar, day: date) -> None:
    assert day not in calendar.shortened_days
    assert calendar.end_of_day(day) == datetime.combine(day, time(18, 0), tzinfo=MOSCOW)


def test_official_counts_of_shortened_days(calendar: WorkCalendar) -> None:
    # Минтруд's calendars: 2024 — 5 (1979 h = 248·8 − 5), 2025 — 4 (1972 h = 247·8 − 4), 2026 — 4 (1972 h)
    for year, count in ((2024, 5), (2025, 4), (2026, 4)):
        assert sum(day.year == year for day in calendar.shortened_days) == count, year


def test_working_hours_stop_at_17_before_a_holiday(calendar: WorkCalendar) -> None:
    # Tue 3 Nov 2026 from 15:00: 15–17 (2 h, the shortened day), Wed 4 Nov is off, Thu 5 Nov 9–10 (1 h) → 10:00
    assert calendar.add_working_hours(msk(2026, 11, 3, 15, 0), 3) == msk(2026, 11, 5, 10, 0)
    # at 17:30 that Tuesday nothing is left of the day: 2 h = Thu 5 Nov 9–11
    assert calendar.add_working_hours(msk(2026, 11, 3, 17, 30), 2) == msk(2026, 11, 5, 11, 0)
    # an ordinary Monday keeps its last hour: Mon 2 Nov 2026 16:00 + 2 h = 18:00
    assert calendar.add_working_hours(msk(2026, 11, 2, 16, 0), 2) == msk(2026, 11, 2, 18, 0)


def test_working_saturday_counts_and_is_shortened(calendar: WorkCalendar) -> None:
    # Fri 31 Oct 2025 17:00 + 4 h: Fri 17–18 (1 h), Sat 1 Nov 9–12 (3 h) → Sat 12:00
    assert calendar.add_working_hours(msk(2025, 10, 31, 17, 0), 4) == msk(2025, 11, 1, 12, 0)
    # Sat 1 Nov 2025 16:00 + 2 h: 16–17 (1 h, shortened), Sun–Tue off (3 Nov transferred, 4 Nov holiday),
    # Wed 5 Nov 9–10 (1 h) → 10:00
    assert calendar.add_working_hours(msk(2025, 11, 1, 16, 0), 2) == msk(2025, 11, 5, 10, 0)


def test_end_of_day_deadlines_on_a_shortened_day(calendar: WorkCalendar) -> None:
    # Fri 23 Oct 2026 + 7 working days: 26, 27, 28, 29, 30 Oct, 2, 3 Nov → Tue 3 Nov, shortened → 17:00
    assert calendar.add_working_days(msk(2026, 10, 23, 10, 0), 7) == msk(2026, 11, 3, 17, 0)
    # 30 calendar days from Sun 4 Oct 2026 = Tue 3 Nov 2026, a working day, shortened → 17:00
    assert calendar.add_calendar_days(msk(2026, 10, 4, 10, 0), 30) == msk(2026, 11, 3, 17, 0)


def test_new_year_holidays_in_working_hours(calendar: WorkCalendar) -> None:
    # Tue 30 Dec 2025 17:00 + 2 h: 17–18 (1 h; 30 Dec is full — 31 Dec is a transferred day off, not a holiday),
    # 31 Dec – 11 Jan off (1–8 holidays, Fri 9 Jan transferred, 10–11 weekend), Mon 12 Jan 9–10 → 10:00
    assert calendar.add_working_hours(msk(2025, 12, 30, 17, 0), 2) == msk(2026, 1, 12, 10, 0)


def test_shortening_without_lunch_and_with_a_short_afternoon() -> None:
    day = date(2026, 11, 3)
    plain = WorkingHours(lunch_start=None, lunch_end=None)
    # one span 9–18 loses its last hour → 9–17
    assert plain.intervals(day, MOSCOW, shortened=True) == [(msk(2026, 11, 3, 9), msk(2026, 11, 3, 17))]
    # afternoon 14:00–14:30 only: the hour is half the afternoon and half the morning → 9:00–12:30
    short = WorkingHours(end=time(14, 30))
    assert short.intervals(day, MOSCOW, shortened=True) == [(msk(2026, 11, 3, 9), msk(2026, 11, 3, 12, 30))]
