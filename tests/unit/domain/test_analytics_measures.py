"""The dashboard's pure parts: working hours between two moments on the production calendar, PostgreSQL's
percentile_cont interpolation, the bucket chosen by span, and the measures kept right across a reopen.
Expected values are counted by hand from the calendar (3 Nov 2026 shortened, 4 Nov a holiday)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from otklik.domain.analytics import Bucket, bucket_for, percentile_cont, working_hours_between
from otklik.domain.calendar import WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
CALENDAR = WorkCalendar.of(holidays=[date(2026, 11, 4)], shortened_days=[date(2026, 11, 3)])


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MSK)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(2, 10), at(2, 12), 2.0),  # the same morning
        (at(2, 12), at(2, 15), 2.0),  # across lunch 13–14
        (at(2, 10), at(3, 11), 9.0),  # 7 on Monday + 2
        (at(2, 10), at(5, 12), 17.0),  # 7 + 7 (shortened Tuesday) + holiday + 3
        (at(7, 10), at(8, 20), 0.0),  # a weekend
        (at(2, 19), at(3, 8), 0.0),  # a night
        (at(5, 12), at(5, 10), 0.0),  # end before start
    ],
)
def test_working_hours_between(start: datetime, end: datetime, hours: float) -> None:
    assert working_hours_between(CALENDAR, start, end) == pytest.approx(hours)


def test_percentile_cont_interpolates_like_postgresql() -> None:
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([4.0], 0.9) == 4.0
    assert percentile_cont([2.0, 9.0, 151.0], 0.5) == 9.0
    assert percentile_cont([2.0, 9.0, 151.0], 0.9) == pytest.approx(9 + 0.8 * 142)
    assert percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


def test_the_bucket_follows_the_span() -> None:
    assert bucket_for(date(2026, 11, 1), date(2026, 11, 30)) is Bucket.DAY
    assert bucket_for(date(2026, 9, 1), date(2026, 11, 30)) is Bucket.WEEK
    assert bucket_for(date(2025, 12, 1), date(2026, 11, 30)) is Bucket.MONTH
