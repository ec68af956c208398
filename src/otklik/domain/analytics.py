"""The dashboard's vocabulary: which appeals a figure counts (a slice), the figures themselves, and the
working-hour measures stored on an appeal when its first response and final answer happen.

Pure: the repository turns an `AppealSlice` into SQL, the service assembles a `Summary`; every figure carries
the slice that reproduces it, so a number on the dashboard always opens the list of appeals behind it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from urllib.parse import urlencode

from otklik.domain.appeal import Appeal
from otklik.domain.calendar import WorkCalendar
from otklik.domain.events import AppealEvent
from otklik.domain.status import AppealStatus

MAX_SPAN_DAYS = 366 * 3  # a dashboard over more than three years is a report, not a morning look


class Measure(StrEnum):
    """What a figure counts within its slice; each is one SQL condition (repositories/appeals.py)."""

    FINAL_ANSWER = "final_answer"  # has a final answer now
    EVER_ANSWERED = "ever_answered"  # has or had a final answer (a reopened one counts): the reopen rate's base
    FIRST_RESPONSE = "first_response"  # has a first response (interim or final)
    DUE_ANSWERED = "due_answered"  # has a final answer and a deadline: the on-time share's base
    ON_TIME = "on_time"  # final answer no later than the deadline
    LATE = "late"  # final answer after the deadline
    OPEN = "open"  # still someone's work
    OVERDUE = "overdue"  # open, past its deadline, clock not paused
    REOPENED = "reopened"  # the citizen said «не решено» at least once
    ROUTED = "routed"  # assigned to a body at least once
    REDIRECTED = "redirected"  # redirected at least once
    MACHINE_ROUTED = "machine_routed"  # the first assignment was the machine's, no person involved
    MACHINE_CORRECTED = "machine_corrected"  # machine-routed, then a person corrected or redirected it
    RATED = "rated"
    SOLVED = "solved"  # the latest rating says «решено»


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def bucket_for(start: date, end: date) -> Bucket:
    """Days for a month, weeks up to half a year, months beyond: about 30 bars whatever the span."""
    span = (end - start).days + 1
    if span <= 31:
        return Bucket.DAY
    if span <= 183:
        return Bucket.WEEK
    return Bucket.MONTH


def bucket_start(day: date, bucket: Bucket) -> date:
    if bucket is Bucket.WEEK:
        return day - timedelta(days=day.weekday())
    if bucket is Bucket.MONTH:
        return day.replace(day=1)
    return day


@dataclass(frozen=True)
class AppealSlice:
    """A set of appeals: registered within [start, end] (local dates of the region, inclusive), in a place,
    group, topic, body and channel, and counted by one measure. The same slice filters the aggregates and the
    drill-down list, so the list's total is the figure."""

    start: date | None = None
    end: date | None = None
    municipality_id: str | None = None
    group: str | None = None
    topic: str | None = None
    agency_id: str | None = None
    channel: str | None = None
    measure: Measure | None = None

    def narrowed(self, **changes: object) -> AppealSlice:
        return replace(self, **changes)  # type: ignore[arg-type]

    def query(self) -> dict[str, str]:
        """The query string of the appeals list that reproduces this slice (API and UI take the same names)."""
        pairs = {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "municipality": self.municipality_id,
            "group": self.group,
            "topic": self.topic,
            "agency": self.agency_id,
            "channel": self.channel,
            "measure": self.measure.value if self.measure else None,
        }
        return {key: value for key, value in pairs.items() if value}

    def api_url(self) -> str:
        return "/api/v1/appeals?" + urlencode(self.query())

    def ui_url(self) -> str:
        return "/ui/analytics/appeals?" + urlencode(self.query())


def local_bounds(
    start: date | None, end: date | None, calendar: WorkCalendar
) -> tuple[datetime | None, datetime | None]:
    """[start 00:00, day after end 00:00) in the region's time zone, as aware datetimes."""
    low = datetime.combine(start, time(0), tzinfo=calendar.tz) if start else None
    high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=calendar.tz) if end else None
    return low, high


# --- the figures ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Count:
    value: int
    slice: AppealSlice


@dataclass(frozen=True)
class Share:
    """part / whole, each with its slice; None when the whole is empty (no «0 %» out of nothing)."""

    part: Count
    whole: Count

    @property
    def value(self) -> float | None:
        return self.part.value / self.whole.value if self.whole.value else None


@dataclass(frozen=True)
class Durations:
    """Working hours on the production calendar; None without a single appeal to measure."""

    median: float | None
    p90: float | None
    measured: Count


@dataclass(frozen=True)
class Satisfaction:
    average_score: float | None
    solved: Share  # share «решено» among rated appeals


@dataclass(frozen=True)
class Breakdown:
    """One bar of a chart: a key (a date, a group, an OKTMO code, a channel, a body id), its label, its count."""

    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class BodyLoad:
    agency_id: str
    name: str
    open: Count
    overdue: Count


@dataclass(frozen=True)
class Volumes:
    bucket: Bucket
    by_period: list[Breakdown]
    by_group: list[Breakdown]
    by_topic: list[Breakdown]
    by_municipality: list[Breakdown]
    by_channel: list[Breakdown]
    by_agency: list[Breakdown]


@dataclass(frozen=True)
class Summary:
    """The dashboard: everything about the appeals of `slice` the reader's scope admits. No personal data."""

    slice: AppealSlice
    generated_at: datetime
    total: Count
    problems: int  # distinct problems: the appeals of one incident count once
    volumes: Volumes
    on_time: Share
    first_response: Durations
    final_answer: Durations
    satisfaction: Satisfaction
    reopen_rate: Share
    redirect_rate: Share
    machine_routed: Share  # of routed appeals, those the machine assigned without a person
    machine_corrected: Share  # of machine-routed appeals, those people then corrected or redirected
    backlog: list[BodyLoad]


@dataclass(frozen=True)
class LeagueRow:
    rank: int
    agency_id: str
    name: str
    answered: int
    on_time: Share
    satisfaction: Satisfaction
    reopen_rate: Share
    redirect_rate: Share
    trend: list[WeekPoint]


@dataclass(frozen=True)
class WeekPoint:
    """One week of a body's trend: the on-time share of final answers given in that week."""

    week_start: date
    answered: int
    on_time: int

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.answered if self.answered else None


@dataclass(frozen=True)
class LeagueTable:
    slice: AppealSlice
    generated_at: datetime
    weeks: list[date]
    rows: list[LeagueRow] = field(default_factory=list)


def rank_key(row: LeagueRow) -> tuple[float, float, float, float, str]:
    """On-time share first, then satisfaction, then fewer reopens and fewer redirects; a body without answers
    sorts last (its shares are unknown, not zero)."""
    on_time = row.on_time.value
    score = row.satisfaction.average_score
    reopen = row.reopen_rate.value
    redirect = row.redirect_rate.value
    return (
        -(on_time if on_time is not None else -1.0),
        -(score if score is not None else 0.0),
        reopen if reopen is not None else 2.0,
        redirect if redirect is not None else 2.0,
        row.name,
    )


# --- percentiles (the SQLite path; PostgreSQL computes percentile_cont in SQL) ----------------------------------
def percentile_cont(sorted_values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's `percentile_cont`: linear interpolation between the two nearest ranks."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(sorted_values[low])
    weight = position - low
    return float(sorted_values[low] * (1 - weight) + sorted_values[high] * weight)


# --- working hours stored on the appeal ------------------------------------------------------------------------
def working_hours_between(calendar: WorkCalendar, start: datetime, end: datetime) -> float:
    """Working time between two moments on the production calendar (holidays, transfers, shortened days), in
    hours; 0 when end is not after start."""
    if end <= start:
        return 0.0
    low, high = start.astimezone(calendar.tz), end.astimezone(calendar.tz)
    total = timedelta()
    day = low.date()
    while day <= high.date():
        if calendar.is_working_day(day):
            for begin, finish in calendar.intervals(day):
                overlap = min(finish, high) - max(begin, low)
                if overlap > timedelta():
                    total += overlap
        day += timedelta(days=1)
    return round(total.total_seconds() / 3600, 4)


def refresh_durations(appeal: Appeal, calendar: WorkCalendar) -> None:
    """The working hours to the first response and to the final answer, as of the appeal's timestamps now.

    Called whenever a status changes: a reopen clears `resolved_at`, so the final-answer duration goes with it,
    and the next final answer measures again from registration (the citizen waited all that time)."""
    appeal.first_response_hours = (
        working_hours_between(calendar, appeal.created_at, appeal.answered_at) if appeal.answered_at else None
    )
    appeal.final_answer_hours = (
        working_hours_between(calendar, appeal.created_at, appeal.resolved_at) if appeal.resolved_at else None
    )


def note_status_change(appeal: Appeal, event: AppealEvent, calendar: WorkCalendar, *, by_machine: bool) -> None:
    """Keep the appeal's stored measures right after a status change (the dashboard reads only them)."""
    if event.to_status == AppealStatus.REOPENED.value:
        appeal.reopen_count += 1
    if event.to_status == AppealStatus.ASSIGNED.value and appeal.routed_by_machine is None:
        appeal.routed_by_machine = by_machine
    refresh_durations(appeal, calendar)


# --- working-hour histograms (the rollup's percentiles) ---------------------------------------------------------
def _edges() -> tuple[float, ...]:
    """Bucket edges in working hours: 0.5 h up to 8 h (a working day), 1 h up to 80 h (two weeks), 8 h up to
    400 h, 40 h up to 2,000 h; everything beyond falls in the last, open bucket."""
    edges = [i * 0.5 for i in range(16)]
    edges += [float(h) for h in range(8, 80)]
    edges += [float(h) for h in range(80, 400, 8)]
    edges += [float(h) for h in range(400, 2001, 40)]
    return tuple(edges)


HOUR_EDGES = _edges()


def hour_bucket(hours: float) -> int:
    """The index of the bucket [HOUR_EDGES[i], HOUR_EDGES[i + 1]) holding `hours` (negative counts as 0)."""
    low, high = 0, len(HOUR_EDGES) - 1
    if hours >= HOUR_EDGES[high]:
        return high
    while low < high:  # the last edge not above `hours`
        middle = (low + high + 1) // 2
        if HOUR_EDGES[middle] <= hours:
            low = middle
        else:
            high = middle - 1
    return low


def bucket_width(bucket: int) -> float:
    """The width of a bucket: the error bound of a percentile read from the histogram (the open last bucket
    reports its lower edge, so its bound is the distance to the largest value)."""
    if bucket + 1 < len(HOUR_EDGES):
        return HOUR_EDGES[bucket + 1] - HOUR_EDGES[bucket]
    return math.inf


def histogram_percentile(counts: dict[int, int], fraction: float) -> float | None:
    """`percentile_cont` read from a merged histogram. Each order statistic is placed within its bucket as if
    the bucket's values were spread evenly, and the two nearest ranks are interpolated as `percentile_cont`
    does; each estimate stays in the true value's bucket, so the error is below the width of the buckets
    involved (0.5 h under 8 h, 1 h under 80 h, 8 h under 400 h, 40 h under 2,000 h)."""
    present = sorted((bucket, n) for bucket, n in counts.items() if n > 0)
    total = sum(n for _, n in present)
    if total == 0:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)
    below, above = _order_statistic(present, low), _order_statistic(present, high)
    return round(below + (above - below) * (position - low), 4)


def _order_statistic(present: list[tuple[int, int]], rank: int) -> float:
    """The estimated value of the rank-th smallest (0-based) of the histogram's values."""
    seen = 0
    for bucket, n in present:
        if rank < seen + n:
            edge = HOUR_EDGES[bucket]
            if bucket + 1 >= len(HOUR_EDGES):
                return edge
            return edge + (HOUR_EDGES[bucket + 1] - edge) * (rank - seen + 0.5) / n
        seen += n
    return HOUR_EDGES[present[-1][0]]
