"""The Russian production calendar from the `holidays` package: days off, working weekends, pre-holiday days.

Nothing here reads the package's holiday labels (they are translations and change wording between versions):
working and non-working days come from its working-day API (`is_working_day`, `weekend_workdays`), and the
government's transfers (переносы) from its structured transfer table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import holidays

from otklik.domain.calendar import WorkCalendar, WorkingHours

ONE_DAY = timedelta(days=1)


def russian_calendar(
    first_year: int | None = None, last_year: int | None = None, *, hours: WorkingHours | None = None
) -> WorkCalendar:
    this_year = datetime.now().year
    years = range(first_year or this_year - 2, (last_year or this_year + 2) + 1)
    # One year more on each side, so the eve of 1 January and the days after 31 December are known too.
    padded = range(years.start - 1, years.stop + 1)
    table = holidays.country_holidays("RU", years=padded)
    first, stop = date(years.start, 1, 1), date(years.stop, 1, 1)
    days = [first + timedelta(n) for n in range((stop - first).days)]
    # Weekdays off (holidays, transferred and in-lieu days off); plain weekends are the calendar's own rule.
    days_off = {day for day in days if day.weekday() < 5 and not table.is_working_day(day)}
    working_weekends = {day for day in days if day.weekday() >= 5 and table.is_working_day(day)}
    transfers = _transfers(table, padded)
    calendar = WorkCalendar.of(
        holidays=days_off,
        working_weekends=working_weekends,
        shortened_days=_pre_holiday_days(days, table, transfers),
    )
    return replace(calendar, hours=hours) if hours else calendar


def _transfers(table: holidays.HolidayBase, years: Iterable[int]) -> dict[date, date]:
    """The government's transfers as {day off: the weekend day it came from}, from the package's own table
    of substituted days (to_month, to_day, from_month, from_day[, from_year]) — data, not label text."""
    mapping: dict[int, Any] = getattr(table, "special_public_holidays", {})
    moved: dict[date, date] = {}
    for year in years:
        entries = mapping.get(year, ())
        if entries and isinstance(entries[0], int):  # one transfer in a year is written without the outer tuple
            entries = (entries,)
        for entry in entries:
            if len(entry) < 4 or not all(isinstance(part, int) for part in entry):
                continue  # (month, day, name): a one-off holiday, not a transfer
            to_month, to_day, from_month, from_day, *from_year = entry
            moved[date(year, to_month, to_day)] = date(from_year[0] if from_year else year, from_month, from_day)
    return moved


def _pre_holiday_days(days: list[date], table: holidays.HolidayBase, transfers: dict[date, date]) -> set[date]:
    """Working days one hour shorter (ТК РФ ст. 95: «непосредственно предшествующие нерабочему праздничному дню»).

    As the Ministry of Labour applies it in the official calendars (2024: 22.02, 7.03, 8.05, 11.06, 2.11;
    2025: 7.03, 30.04, 11.06, 1.11; 2026: 30.04, 8.05, 11.06, 3.11):
    - a working day whose next calendar day is a holiday proper (ст. 112 — not a weekend, not a day off
      transferred or added because a holiday fell on a weekend): 30.12.2025 before the transferred 31.12 is full;
    - a working weekend day takes over the work of the weekday whose day off it gave, and with it that weekday's
      shortening: Sat 1.11.2025 works for Mon 3.11, the eve of 4 November, so it is shortened; Sat 28.12.2024
      works for Mon 30.12, followed by the transferred 31.12, so it is not.
    """
    # Holidays proper: the package's table without observed in-lieu days and without transferred days off.
    proper = {day for day in holidays.country_holidays("RU", years=table.years, observed=False)}
    proper -= transfers.keys()
    shortened = {day for day in days if table.is_working_day(day) and day + ONE_DAY in proper}
    for day_off, weekend_day in transfers.items():
        if weekend_day in table.weekend_workdays and day_off + ONE_DAY in proper:
            shortened.add(weekend_day)
    return {day for day in shortened if days[0] <= day <= days[-1]}
