"""Working time by the Russian production calendar: holidays, transferred days off, working hours."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")

# Labour Code art. 95: the working day right before a non-working holiday is one hour shorter.
PRE_HOLIDAY_CUT = timedelta(hours=1)


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9, 0)
    end: time = time(18, 0)
    lunch_start: time | None = time(13, 0)
    lunch_end: time | None = time(14, 0)

    def intervals(self, day: date, tz: ZoneInfo, *, shortened: bool = False) -> list[tuple[datetime, datetime]]:
        """The working intervals of one working day, as aware datetimes in tz; a shortened (pre-holiday) day
        loses its last hour of work — taken from the end of the day, past lunch if the afternoon is short."""

        def at(t: time) -> datetime:
            return datetime.combine(day, t, tzinfo=tz)

        if self.lunch_start and self.lunch_end:
            spans = [(at(self.start), at(self.lunch_start)), (at(self.lunch_end), at(self.end))]
        else:
            spans = [(at(self.start), at(self.end))]
        if not shortened:
            return spans
        cut = PRE_HOLIDAY_CUT
        while spans and cut:
            begin, end = spans[-1]
            if end - begin > cut:
                spans[-1] = (begin, end - cut)
                break
            cut -= end - begin
            spans.pop()
        return spans


@dataclass(frozen=True)
class WorkCalendar:
    """Days off are weekends and holidays, except weekend days the government made working (переносы);
    `shortened_days` are the working days one hour shorter before a holiday (ТК РФ ст. 95)."""

    holidays: frozenset[date]
    working_weekends: frozenset[date] = frozenset()
    hours: WorkingHours = field(default_factory=WorkingHours)
    tz: ZoneInfo = MOSCOW
    shortened_days: frozenset[date] = frozenset()

    @classmethod
    def of(
        cls, holidays: Iterable[date], working_weekends: Iterable[date] = (), shortened_days: Iterable[date] = ()
    ) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(working_weekends), shortened_days=frozenset(shortened_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working intervals of a working day, shortened before a holiday."""
        return self.hours.intervals(day, self.tz, shortened=day in self.shortened_days)

    def end_of_day(self, day: date) -> datetime:
        """When the working day ends: 18:00 by default, 17:00 on a pre-holiday day."""
        spans = self.intervals(day)
        return spans[-1][1] if spans else datetime.combine(day, self.hours.end, tzinfo=self.tz)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment when `hours` of working time have passed after start (start is aware)."""
        if start.tzinfo is None:
            raise ValueError("deadlines need an aware datetime")
        remaining = timedelta(hours=hours)
        cursor = start.astimezone(self.tz)
        day = cursor.date()
        for _ in range(3660):  # ten years of days: a bound that a real deadline never reaches
            if self.is_working_day(day):
                for begin, end in self.intervals(day):
                    if cursor >= end:
                        continue
                    begin = max(begin, cursor)
                    if begin + remaining <= end:
                        return begin + remaining
                    remaining -= end - begin
                    cursor = end
            day += timedelta(days=1)
            cursor = datetime.combine(day, time(0), tzinfo=self.tz)
        raise ValueError(f"no working time within ten years after {start}")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the working day that is `days` working days after the day of start."""
        local = start.astimezone(self.tz)
        day = local.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self.end_of_day(day)

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """59-ФЗ counts calendar days; a deadline on a day off moves to the next working day."""
        day = start.astimezone(self.tz).date() + timedelta(days=days)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return self.end_of_day(day)
