"""The Russian production calendar from the `holidays` package: holidays and working weekend days."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import holidays

from otklik.domain.calendar import WorkCalendar, WorkingHours

# `holidays` names a transferred day off "Day off (substituted from MM/DD/YYYY)". When that date is a
# weekend that is not itself a holiday (1 Nov 2025), it became a working day; when it is a holiday falling
# on a weekend (2 Jan 2027), only the day off moved and the date stays off.
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def russian_calendar(
    first_year: int | None = None, last_year: int | None = None, *, hours: WorkingHours | None = None
) -> WorkCalendar:
    this_year = datetime.now().year
    years = range(first_year or this_year - 2, (last_year or this_year + 2) + 1)
    table = holidays.country_holidays("RU", years=years, language="en_US")
    working_weekends = set()
    for name in table.values():
        for match in _SUBSTITUTED.finditer(str(name)):
            day = date(int(match[3]), int(match[1]), int(match[2]))
            if day not in table:
                working_weekends.add(day)
    calendar = WorkCalendar.of(holidays=table.keys(), working_weekends=working_weekends)
    return replace(calendar, hours=hours) if hours else calendar
