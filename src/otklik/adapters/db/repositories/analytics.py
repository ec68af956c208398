"""Aggregates of appeals for the dashboard and the league table, always inside the reader's scope.

Every query filters with `visible_in(scope)` and the slice's conditions (`slice_conditions`, the same the
drill-down list uses). Counts are single scans with `count(*) FILTER (WHERE …)`; medians and 90th percentiles are
`percentile_cont` on PostgreSQL, and on SQLite (the small embedded default) the same interpolation over the
sorted stored values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, text, tuple_
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.appeals import measure_condition, slice_conditions, visible_in
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.incidents import incident_members
from otklik.domain.access import AppealScope
from otklik.domain.analytics import AppealSlice, Measure, percentile_cont
from otklik.domain.calendar import MOSCOW

DIMENSIONS = {
    "group": appeals.c.group,
    "topic": appeals.c.topic,
    "municipality": appeals.c.municipality_id,
    "channel": appeals.c.channel,
    "agency": appeals.c.agency_id,
}
DURATIONS = {"first_response": appeals.c.first_response_hours, "final_answer": appeals.c.final_answer_hours}


class AnalyticsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name
        if self._dialect == "postgresql":
            # Compiling these scans to machine code costs more (≈0.1 s each) than it saves at a million rows; the
            # percentiles sort up to a million values, which the default 4 MB of work_mem sends to disk.
            session.execute(text("SET LOCAL jit = off"))
            session.execute(text("SET LOCAL work_mem = '64MB'"))

    def _where(self, scope: AppealScope, part: AppealSlice, now: datetime) -> list[ColumnElement[bool]]:
        return [visible_in(scope), *slice_conditions(part, now)]

    def measure_counts(
        self, scope: AppealScope, part: AppealSlice, now: datetime, measures: Sequence[Measure]
    ) -> tuple[dict[Measure | None, int], float | None]:
        """The slice's total (key None), the count of each measure within it and the average latest rating,
        in one scan."""
        columns: list[Any] = [func.count().label("total"), func.avg(appeals.c.rating_score).label("score")]
        columns += [func.count().filter(measure_condition(m, now)).label(m.value) for m in measures]
        row = self._session.execute(select(*columns).select_from(appeals).where(*self._where(scope, part, now))).one()
        found: dict[Measure | None, int] = {None: int(row[0])}
        found.update({m: int(value) for m, value in zip(measures, row[2:], strict=True)})
        return found, float(row[1]) if row[1] is not None else None

    def problem_count(self, scope: AppealScope, part: AppealSlice, now: datetime) -> int:
        """Problems, not messages: the appeals of one incident count once (an incident's id is negated so it
        never equals an appeal's)."""
        key = func.coalesce(-incident_members.c.incident_id, appeals.c.id)
        query = (
            select(func.count(key.distinct()))
            .select_from(appeals.outerjoin(incident_members, incident_members.c.appeal_id == appeals.c.id))
            .where(*self._where(scope, part, now))
        )
        return int(self._session.scalar(query) or 0)

    def measure_counts_by_agency(
        self, scope: AppealScope, part: AppealSlice, now: datetime, measures: Sequence[Measure]
    ) -> dict[str, tuple[dict[Measure | None, int], float | None]]:
        """Per body: its appeals' total (key None), each measure's count and the average latest rating."""
        columns: list[Any] = [appeals.c.agency_id, func.count(), func.avg(appeals.c.rating_score)]
        columns += [func.count().filter(measure_condition(m, now)) for m in measures]
        query = (
            select(*columns)
            .where(*self._where(scope, part, now), appeals.c.agency_id.is_not(None))
            .group_by(appeals.c.agency_id)
        )
        result: dict[str, tuple[dict[Measure | None, int], float | None]] = {}
        for row in self._session.execute(query):
            counts: dict[Measure | None, int] = {None: int(row[1])}
            counts.update({m: int(value) for m, value in zip(measures, row[3:], strict=True)})
            result[str(row[0])] = (counts, _float(row[2]))
        return result

    def breakdowns(
        self, scope: AppealScope, part: AppealSlice, now: datetime, dimensions: Sequence[str]
    ) -> dict[str, list[tuple[Any, int, int, int]]]:
        """Per dimension («day» or one of DIMENSIONS): (key, appeals, open, overdue) for each value, most first;
        appeals without the value are left out. On PostgreSQL one scan with GROUPING SETS; on SQLite one
        GROUP BY per dimension."""
        keys = {"day": self._local_day(appeals.c.created_at), **DIMENSIONS}
        metrics = [
            func.count(),
            func.count().filter(measure_condition(Measure.OPEN, now)),
            func.count().filter(measure_condition(Measure.OVERDUE, now)),
        ]
        where = self._where(scope, part, now)
        found: dict[str, list[tuple[Any, int, int, int]]] = {d: [] for d in dimensions}
        if self._dialect == "postgresql":
            exprs = [keys[d] for d in dimensions]
            query = (
                select(*exprs, *[func.grouping(e) for e in exprs], *metrics)
                .where(*where)
                .group_by(func.grouping_sets(*[tuple_(e) for e in exprs]))
            )
            width = len(exprs)
            for row in self._session.execute(query):
                index = next(i for i in range(width) if row[width + i] == 0)
                if row[index] is not None:
                    found[dimensions[index]].append((row[index], *(int(v) for v in row[2 * width :])))
        else:
            for dimension in dimensions:
                column = keys[dimension]
                query = select(column, *metrics).where(*where).group_by(column)
                found[dimension] = [
                    (key, int(n), int(o), int(v)) for key, n, o, v in self._session.execute(query) if key is not None
                ]
        for dimension, rows in found.items():
            if dimension == "day":
                rows[:] = sorted(((_as_date(k), n, o, v) for k, n, o, v in rows), key=lambda r: r[0])
            else:
                rows[:] = sorted(((str(k), n, o, v) for k, n, o, v in rows), key=lambda r: (-r[1], r[0]))
        return found

    def answers_by_week(
        self, scope: AppealScope, part: AppealSlice, now: datetime, since: datetime
    ) -> list[tuple[str, date, int, int]]:
        """(agency, local day, final answers, on time) of final answers given since a moment: the weekly trend."""
        day = self._local_day(appeals.c.resolved_at)
        on_time = measure_condition(Measure.ON_TIME, now)
        query = (
            select(appeals.c.agency_id, day, func.count(), func.count().filter(on_time))
            .where(
                *self._where(scope, part, now),
                appeals.c.agency_id.is_not(None),
                appeals.c.due_at.is_not(None),
                appeals.c.resolved_at >= since,
            )
            .group_by(appeals.c.agency_id, day)
        )
        return [(str(a), _as_date(d), int(n), int(k)) for a, d, n, k in self._session.execute(query)]

    def durations(
        self, scope: AppealScope, part: AppealSlice, now: datetime
    ) -> dict[str, tuple[float | None, float | None, int]]:
        """(median, 90th percentile, how many measured) of each stored working-hours duration."""
        where = self._where(scope, part, now)
        if self._dialect == "postgresql":
            columns: list[Any] = []
            for column in DURATIONS.values():
                columns += [
                    func.percentile_cont(0.5).within_group(column),
                    func.percentile_cont(0.9).within_group(column),
                    func.count(column),
                ]
            row = self._session.execute(select(*columns).where(*where)).one()
            return {
                name: (_float(row[3 * i]), _float(row[3 * i + 1]), int(row[3 * i + 2]))
                for i, name in enumerate(DURATIONS)
            }
        found = {}
        for name, column in DURATIONS.items():
            query = select(column).where(*where, column.is_not(None)).order_by(column)
            values = [float(v) for v in self._session.scalars(query)]
            found[name] = (percentile_cont(values, 0.5), percentile_cont(values, 0.9), len(values))
        return found

    def _local_day(self, column: Any) -> Any:
        if self._dialect == "postgresql":
            return func.date(func.timezone(str(MOSCOW), column))
        # SQLite stores naive UTC; Moscow has kept UTC+3 all year since 2014.
        return func.date(column, "+3 hours")


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
