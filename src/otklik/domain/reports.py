"""The governor's weekly report and the open data: what they contain, as plain data (no personal data, no text).

Assembled by `services/reports.py`, rendered by `adapters/reports/` (XLSX, PDF). Every row here is an aggregate
or a register entry without names, contacts or the appeal's words: number, dates, body, group, topic, place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from otklik.domain.analytics import LeagueTable, Summary, percentile_cont

SMALL_CELL = 3  # open data: a cell with fewer appeals than this is not published (k-anonymity threshold)


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        if self is ReportFormat.XLSX:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "application/pdf"


@dataclass(frozen=True)
class MunicipalityLine:
    id: str
    name: str
    population: int
    appeals: int
    due_answered: int
    on_time: int
    overdue: int
    average_score: float | None
    in_scope: bool = True  # False: outside the reader's scope (the map greys it out; the table leaves it out)

    @property
    def per_1000(self) -> float | None:
        return self.appeals * 1000 / self.population if self.population > 0 and self.in_scope else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due_answered if self.due_answered else None


@dataclass(frozen=True)
class OverdueLine:
    """An overdue appeal as a register entry: no text, no citizen."""

    number: str
    created_at: datetime
    due_at: datetime
    agency: str
    municipality: str
    group: str
    topic: str
    days_overdue: int


def days_overdue(due_at: datetime, now: datetime) -> int:
    """Whole days past the deadline, a started day counting as one (overdue by an hour is «1 день»)."""
    return max(1, math.ceil((now - due_at) / timedelta(days=1)))


@dataclass(frozen=True)
class TopicLine:
    group: str
    topic: str
    appeals: int


@dataclass(frozen=True)
class IncidentLine:
    """One problem reported by many: where, what, how many reporters (no title: it comes from a citizen's text)."""

    incident_id: int
    municipality: str
    group: str
    topic: str
    reporters: int
    status: str


@dataclass(frozen=True)
class SpikeLine:
    raised_at: datetime
    municipality: str
    group: str
    topic: str
    count: int
    window_hours: int
    rate_per_day: float
    closed_at: datetime | None
    text: str  # the alert's own sentence: place, group, counts («Шарья · ЖКХ: 14 обращений за 3 часа …»)


@dataclass(frozen=True)
class WeeklyReport:
    start: date
    end: date
    previous_start: date
    previous_end: date
    scope_label: str  # «Костромская область», a municipality or a body
    generated_at: datetime
    summary: Summary
    previous: Summary
    trend: Summary  # the weeks up to the period's end: volumes by week
    league: LeagueTable
    municipalities: list[MunicipalityLine]
    overdue: list[OverdueLine]
    overdue_total: int
    top_topics: list[TopicLine]
    top_incidents: list[IncidentLine]
    spikes: list[SpikeLine]
    boundaries: dict[str, Any] = field(default_factory=dict)  # GeoJSON of the municipalities for the map

    @property
    def file_stem(self) -> str:
        return f"otklik-weekly-{self.start.isoformat()}-{self.end.isoformat()}"


# --- open data ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenDataRow:
    """One published cell: a week × municipality × group. Small cells never become rows."""

    week_start: date
    municipality_id: str
    municipality: str
    group: str
    appeals: int
    answered: int  # with a final answer and a deadline
    answered_on_time: int
    median_answer_hours: float | None  # working hours to the final answer; None with fewer than SMALL_CELL answers


@dataclass(frozen=True)
class OpenDataCell:
    """The raw figures of a cell before the small-cell rule."""

    appeals: int = 0
    answered: int = 0
    answered_on_time: int = 0
    answer_hours: tuple[float, ...] = ()


def published(cell: OpenDataCell) -> tuple[bool, float | None]:
    """Whether the cell may be published, and its median answer time (itself withheld when it rests on fewer than
    SMALL_CELL answers: a median of one or two is that person's answer time)."""
    if cell.appeals < SMALL_CELL:
        return False, None
    hours = sorted(cell.answer_hours)
    median = percentile_cont(hours, 0.5) if len(hours) >= SMALL_CELL else None
    return True, round(median, 1) if median is not None else None
