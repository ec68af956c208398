"""The Russian production calendar from the `holidays` package: holidays and working weekend days."""

from __future__ import annotations

import re
from datetime import date, datetime

import holidays

from otklik.domain.calendar import WorkCalendar

# `holidays` names a transferred day off "Day off (substituted from MM/DD/YYYY)": that date became working.
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def russian_calendar(first_year: int | None = None, last_year: int | None = None) -> WorkCalendar:
    this_year = datetime.now().year
    years = range(first_year or this_year - 2, (last_year or this_year + 2) + 1)
    table = holidays.country_holidays("RU", years=years, language="en_US")
    working_weekends = set()
    for name in table.values():
        for match in _SUBSTITUTED.finditer(str(name)):
            working_weekends.add(date(int(match[3]), int(match[1]), int(match[2])))
    return WorkCalendar.of(holidays=table.keys(), working_weekends=working_weekends)
