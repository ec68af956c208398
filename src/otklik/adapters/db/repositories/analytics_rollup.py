"""The dashboard's incremental rollup: each appeal's contribution to the cells of its registration day, recorded as
−old +new in the same transaction as the appeal's change, and read back summed for the whole-region dashboard.

The contribution is appended to the pending tables (`analytics_rollup_pending`, `analytics_rollup_hours_pending`),
not added to the cells: every registration of a day used to update the same cells (the day's whole-region cell,
its channel's, its town's) and hold their row locks until commit, so concurrent decisions in several workers
waited for each other. Appending takes no lock another writer wants. The leader folds the pending rows into the
cells every few seconds (`fold_pending`, workers/rollup_job.py), each batch in one transaction that deletes the
rows it adds (a crash in between rolls both back). Readers sum cells and pending rows together, so every figure
is exact at every commit, folded or not.

Kept right by one `after_flush` listener on the ORM session (`install_rollup_maintenance`, called by
`start_mappers`): every writer of an appeal — registration, status changes, answers, ratings, corrections,
redirects, an importer — goes through a flush, so none can forget the rollup. The old contribution comes from
the attributes' history (the values as loaded), the new one from the values being written. Writers that bypass
the ORM (COPY, raw UPDATE: the bench generator, migrations) run `rebuild` after (`otklik analytics rebuild-rollups`).

What a cell counts mirrors `measure_condition` in repositories/appeals.py; the consistency tests compare the
rollup-based summary with the direct queries (tests/integration/test_analytics_rollup.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Subquery, delete, event, func, insert, inspect, select, text, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, UOWTransaction

from otklik.adapters.db.repositories.analytics import AnalyticsRepository
from otklik.adapters.db.repositories.appeals import _IN_WORK, slice_conditions, visible_in
from otklik.adapters.db.tables.analytics_rollup import (
    ROLLUP_COUNTERS,
    analytics_rollup,
    analytics_rollup_hours,
    analytics_rollup_hours_pending,
    analytics_rollup_pending,
)
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.incidents import incident_members
from otklik.domain.access import AWAITING_MODERATION, AppealScope
from otklik.domain.analytics import AppealSlice, Measure, histogram_percentile, hour_bucket
from otklik.domain.appeal import Appeal
from otklik.domain.calendar import MOSCOW

# The appeal's fields a contribution reads; a change of any other field leaves the rollup alone.
FIELDS = (
    "created_at",
    "status",
    "municipality_id",
    "group",
    "topic",
    "channel",
    "agency_id",
    "due_at",
    "resolved_at",
    "first_response_hours",
    "final_answer_hours",
    "reopen_count",
    "routed_by_machine",
    "corrected",
    "redirect_count",
    "rating_score",
    "rating_solved",
)
DIMENSIONS = ("group", "topic", "municipality", "channel", "agency")
_DIMENSION_FIELD = {"municipality": "municipality_id", "agency": "agency_id"}
_IN_WORK_SET = frozenset(_IN_WORK)
HOUR_KINDS = ("first_response", "final_answer")

CellKey = tuple[date, str, str, bool]  # day, dimension, value, awaiting
HoursKey = tuple[date, str, int]  # day, kind, bucket


def counters(values: Mapping[str, Any]) -> tuple[int, ...]:
    """One appeal's counters, in ROLLUP_COUNTERS order (the Python twin of `measure_condition`)."""
    resolved, due = values["resolved_at"], values["due_at"]
    redirects, reopens, machine = (
        values["redirect_count"] or 0,
        values["reopen_count"] or 0,
        values["routed_by_machine"],
    )
    score = values["rating_score"]
    due_answered = resolved is not None and due is not None
    found = {
        "n": 1,
        "final_answer": resolved is not None,
        "ever_answered": resolved is not None or reopens > 0,
        "first_response": values["first_response_hours"] is not None,
        "due_answered": due_answered,
        "on_time": due_answered and _utc(resolved) <= _utc(due),
        "late": due_answered and _utc(resolved) > _utc(due),
        "open": values["status"] in _IN_WORK_SET,
        "reopened": reopens > 0,
        "routed": machine is not None or redirects > 0,
        "redirected": redirects > 0,
        "machine_routed": machine is True,
        "machine_corrected": machine is True and (values["corrected"] is True or redirects > 0),
        "rated": score is not None,
        "solved": values["rating_solved"] is True,
        "rating_sum": score or 0,
    }
    return tuple(int(found[name]) for name in ROLLUP_COUNTERS)


def local_day(moment: datetime) -> date:
    return _utc(moment).astimezone(MOSCOW).date()


def cells(values: Mapping[str, Any]) -> list[CellKey]:
    """The cells an appeal counts in: its day for the whole region and for each dimension value it has."""
    day, awaiting = local_day(values["created_at"]), values["status"] in AWAITING_MODERATION
    found: list[CellKey] = [(day, "", "", awaiting)]
    for dimension in DIMENSIONS:
        value = values[_DIMENSION_FIELD.get(dimension, dimension)]
        if value is not None:
            found.append((day, dimension, str(value), awaiting))
    return found


def hour_cells(values: Mapping[str, Any]) -> list[HoursKey]:
    day = local_day(values["created_at"])
    return [
        (day, kind, hour_bucket(float(values[f"{kind}_hours"])))
        for kind in HOUR_KINDS
        if values[f"{kind}_hours"] is not None
    ]


class RollupDelta:
    """Sums of contributions (+1 for the new state, −1 for the old) before they are written."""

    def __init__(self) -> None:
        self.cells: dict[CellKey, list[int]] = defaultdict(lambda: [0] * len(ROLLUP_COUNTERS))
        self.hours: dict[HoursKey, int] = defaultdict(int)

    def add(self, values: Mapping[str, Any], sign: int) -> None:
        vector = counters(values)
        for key in cells(values):
            total = self.cells[key]
            for i, v in enumerate(vector):
                total[i] += sign * v
        for hours_key in hour_cells(values):
            self.hours[hours_key] += sign

    def _cell_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "day": k[0],
                "dimension": k[1],
                "value": k[2],
                "awaiting": k[3],
                **dict(zip(ROLLUP_COUNTERS, v, strict=True)),
            }
            for k, v in sorted(self.cells.items())
            if any(v)
        ]

    def _hour_rows(self) -> list[dict[str, Any]]:
        return [{"day": k[0], "kind": k[1], "bucket": k[2], "n": n} for k, n in sorted(self.hours.items()) if n]

    def append(self, connection: Connection) -> None:
        """Appends the delta to the pending tables: plain inserts, no row another transaction holds."""
        rows, hours = self._cell_rows(), self._hour_rows()
        if rows:
            connection.execute(insert(analytics_rollup_pending), rows)
        if hours:
            connection.execute(insert(analytics_rollup_hours_pending), hours)

    def apply(self, connection: Connection) -> None:
        """Adds the delta to the cells: upserts in key order (two transactions touching the same cells lock them in
        the same order). Only the fold and the rebuild write cells."""
        rows, hours = self._cell_rows(), self._hour_rows()
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        if rows:
            statement = insert(analytics_rollup)
            increments = {name: analytics_rollup.c[name] + statement.excluded[name] for name in ROLLUP_COUNTERS}
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["day", "dimension", "value", "awaiting"], set_=increments
                ),
                rows,
            )
        if hours:
            statement = insert(analytics_rollup_hours)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["day", "kind", "bucket"],
                    set_={"n": analytics_rollup_hours.c.n + statement.excluded.n},
                ),
                hours,
            )


# --- maintenance in the appeal's own transaction ---------------------------------------------------------------
def _current(appeal: Appeal) -> dict[str, Any]:
    return {name: getattr(appeal, name) for name in FIELDS}


def _previous(appeal: Appeal) -> dict[str, Any] | None:
    """The values as loaded from the database, or None when none of the read fields changed."""
    state = inspect(appeal)
    values, changed = {}, False
    for name in FIELDS:
        history = state.attrs[name].history
        if history.added or history.deleted:
            changed = True
            values[name] = history.deleted[0] if history.deleted else None
        else:
            values[name] = getattr(appeal, name)
    return values if changed else None


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    delta = RollupDelta()
    for appeal in session.new:
        if isinstance(appeal, Appeal):
            delta.add(_current(appeal), +1)
    for appeal in session.dirty:
        if isinstance(appeal, Appeal):
            before = _previous(appeal)
            if before is not None:
                delta.add(before, -1)
                delta.add(_current(appeal), +1)
    for appeal in session.deleted:
        if isinstance(appeal, Appeal):
            delta.add(_previous(appeal) or _current(appeal), -1)
    if delta.cells or delta.hours:
        delta.append(session.connection())


_installed = False


def install_rollup_maintenance() -> None:
    """Idempotent; `start_mappers` calls it, so every process that writes appeals through the ORM keeps it."""
    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        _installed = True


# --- folding the pending deltas into the cells (the leader, every few seconds) -----------------------------------
FOLD_BATCH = 5_000


def fold_pending(connection: Connection, *, batch: int = FOLD_BATCH) -> int:
    """Moves up to `batch` pending rows of each table into the cells, in the caller's transaction; returns how many
    rows it moved. The rows are deleted and added in the same transaction, so a crash folds them entirely or not
    at all. On PostgreSQL the delete takes exactly the rows it returns (SKIP LOCKED: a concurrent fold takes
    others); a row committed after the delete began stays for the next fold."""
    p, h = analytics_rollup_pending, analytics_rollup_hours_pending
    delta = RollupDelta()
    cell_ids = select(p.c.id).order_by(p.c.id).limit(batch).with_for_update(skip_locked=True).scalar_subquery()
    moved = connection.execute(
        delete(p).where(p.c.id.in_(cell_ids)).returning(p.c.day, p.c.dimension, p.c.value, p.c.awaiting, *_counters(p))
    ).all()
    for row in moved:
        total = delta.cells[(_as_date(row[0]), str(row[1]), str(row[2]), bool(row[3]))]
        for i, v in enumerate(row[4:]):
            total[i] += int(v)
    hour_ids = select(h.c.id).order_by(h.c.id).limit(batch).with_for_update(skip_locked=True).scalar_subquery()
    moved_hours = connection.execute(
        delete(h).where(h.c.id.in_(hour_ids)).returning(h.c.day, h.c.kind, h.c.bucket, h.c.n)
    ).all()
    for day, kind, bucket, n in moved_hours:
        delta.hours[(_as_date(day), str(kind), int(bucket))] += int(n)
    delta.apply(connection)
    return len(moved) + len(moved_hours)


def _counters(table: Any) -> list[Any]:
    return [table.c[name] for name in ROLLUP_COUNTERS]


# --- rebuild from the appeals (after a migration, a COPY, a raw UPDATE) ------------------------------------------
def rebuild(connection: Connection, *, batch: int = 20_000, with_pending: bool = True) -> int:
    """Empties the rollup and fills it from every appeal; returns how many appeals it read.

    On PostgreSQL the rollup (cells and pending) is locked first: a writer that changed an appeal before waits for
    nothing (its change is committed, so the scan sees it, and its pending delta is dropped with the rest); a writer
    after blocks on its append until this commits, and adds its delta on top of the rebuilt cells (its change was
    not visible to the scan)."""
    tables = [analytics_rollup, analytics_rollup_hours]
    if with_pending:  # False only in migration 0013, before the pending tables exist
        tables += [analytics_rollup_pending, analytics_rollup_hours_pending]
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"LOCK TABLE {', '.join(t.name for t in tables)} IN EXCLUSIVE MODE"))
    for table in reversed(tables):
        connection.execute(delete(table))
    columns = [appeals.c[name] for name in FIELDS]
    delta, read = RollupDelta(), 0
    for row in connection.execute(select(*columns).execution_options(yield_per=batch)):
        delta.add(dict(row._mapping), +1)
        read += 1
    delta.apply(connection)
    return read


# --- reading ---------------------------------------------------------------------------------------------------
def rollup_serves(scope: AppealScope, part: AppealSlice) -> bool:
    """The rollup answers the whole region over a period with no other filter — the slice that reads the most
    appeals; a place, group, topic, body, channel or a narrower scope reads few enough for the direct queries."""
    filters = (part.municipality_id, part.group, part.topic, part.agency_id, part.channel, part.measure)
    return scope.everything and all(f is None for f in filters) and part.start is not None and part.end is not None


# Up to this many appeals in the period the percentiles are computed exactly (one scan of that many index entries
# costs well under 0.1 s); beyond, they are read from the merged histograms, within one bucket's width.
EXACT_PERCENTILES_UP_TO = 50_000

BreakdownRow = tuple[Any, int, int, int]  # key, appeals, open, overdue — the shape of AnalyticsRepository.breakdowns


def _cells() -> Subquery:
    """The cells and the pending deltas as one relation: their sums are the figures, folded or not."""
    columns = ("day", "dimension", "value", "awaiting", *ROLLUP_COUNTERS)
    return union_all(
        select(*(analytics_rollup.c[name] for name in columns)),
        select(*(analytics_rollup_pending.c[name] for name in columns)),
    ).subquery("cells")


def _hour_cells() -> Subquery:
    columns = ("day", "kind", "bucket", "n")
    return union_all(
        select(*(analytics_rollup_hours.c[name] for name in columns)),
        select(*(analytics_rollup_hours_pending.c[name] for name in columns)),
    ).subquery("hour_cells")


def _sums(cells: Subquery) -> list[Any]:
    return [func.coalesce(func.sum(cells.c[name]), 0) for name in ROLLUP_COUNTERS]


class RollupReader:
    """Sums of cells over a period, for the whole region (the scope that reads the most appeals)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def summary_figures(
        self, scope: AppealScope, part: AppealSlice, now: datetime, *, exact_up_to: int = EXACT_PERCENTILES_UP_TO
    ) -> tuple[
        dict[Measure | None, int],
        float | None,
        dict[str, list[BreakdownRow]],
        dict[str, tuple[float | None, float | None, int]],
        int,
    ]:
        """What the summary reads, in the shapes of the direct AnalyticsRepository: the measure counts (key None:
        the total), the average rating, the breakdowns (overdue only per body: the only one the summary shows),
        (median, p90, measured) per duration — exact up to `exact_up_to` appeals in the period, from the
        histograms beyond — and the distinct problems."""
        assert part.start is not None and part.end is not None
        days = self.by_day(part.start, part.end)
        overdue = self.overdue_by_agency(scope, part, now)
        totals = dict.fromkeys(ROLLUP_COUNTERS, 0)
        for _, sums in days:
            for name, value in sums.items():
                totals[name] += value
        counts: dict[Measure | None, int] = {None: totals["n"], Measure.OVERDUE: sum(overdue.values())}
        counts.update({m: totals[m.value] for m in Measure if m is not Measure.OVERDUE})
        average = totals["rating_sum"] / totals["rated"] if totals["rated"] else None
        breakdowns: dict[str, list[BreakdownRow]] = {"day": [(d, s["n"], s["open"], 0) for d, s in days if s["n"]]}
        for dimension, rows in self.by_dimension(part.start, part.end).items():
            found = [
                (value, s["n"], s["open"], overdue.get(value, 0) if dimension == "agency" else 0) for value, s in rows
            ]
            breakdowns[dimension] = sorted((r for r in found if r[1]), key=lambda r: (-r[1], r[0]))
        if totals["n"] <= exact_up_to:  # few enough to sort: exact percentile_cont over the stored hours
            durations = AnalyticsRepository(self._session).durations(scope, part, now)
        else:
            durations = {
                kind: (histogram_percentile(h, 0.5), histogram_percentile(h, 0.9), sum(h.values()))
                for kind, h in self.hours(part.start, part.end).items()
            }
        members, incidents = self.incident_overlap(scope, part, now)
        return counts, average, breakdowns, durations, totals["n"] - members + incidents

    def counts_by_agency(
        self, part: AppealSlice, measures: Iterable[Measure]
    ) -> dict[str, tuple[dict[Measure | None, int], float | None]]:
        """The shape of AnalyticsRepository.measure_counts_by_agency, for the whole region (no overdue)."""
        assert part.start is not None and part.end is not None
        wanted = list(measures)
        result: dict[str, tuple[dict[Measure | None, int], float | None]] = {}
        for agency, sums in self.by_dimension(part.start, part.end, only="agency")["agency"]:
            if sums["n"]:
                counts: dict[Measure | None, int] = {None: sums["n"]}
                counts.update({m: sums[m.value] for m in wanted})
                result[agency] = (counts, sums["rating_sum"] / sums["rated"] if sums["rated"] else None)
        return result

    def by_day(self, start: date, end: date) -> list[tuple[date, dict[str, int]]]:
        cells = _cells()
        r = cells.c
        query = (
            select(r.day, *_sums(cells))
            .where(r.dimension == "", r.day >= start, r.day <= end)
            .group_by(r.day)
            .order_by(r.day)
        )
        return [(_as_date(row[0]), _named(row[1:])) for row in self._session.execute(query)]

    def by_dimension(
        self, start: date, end: date, *, only: str | None = None
    ) -> dict[str, list[tuple[str, dict[str, int]]]]:
        cells = _cells()
        r = cells.c
        which = r.dimension == only if only else r.dimension != ""
        query = (
            select(r.dimension, r.value, *_sums(cells))
            .where(which, r.day >= start, r.day <= end)
            .group_by(r.dimension, r.value)
        )
        found: dict[str, list[tuple[str, dict[str, int]]]] = {d: [] for d in DIMENSIONS}
        for row in self._session.execute(query):
            found[str(row[0])].append((str(row[1]), _named(row[2:])))
        return found

    def hours(self, start: date, end: date) -> dict[str, dict[int, int]]:
        h = _hour_cells().c
        query = select(h.kind, h.bucket, func.sum(h.n)).where(h.day >= start, h.day <= end).group_by(h.kind, h.bucket)
        found: dict[str, dict[int, int]] = {kind: {} for kind in HOUR_KINDS}
        for kind, bucket, n in self._session.execute(query):
            found[str(kind)][int(bucket)] = int(n)
        return found

    def overdue_by_agency(self, scope: AppealScope, part: AppealSlice, now: datetime) -> dict[str | None, int]:
        """Overdue depends on the moment, not on an event: counted directly over the appeals in work (a partial
        index keeps it to the backlog, not the million)."""
        a = appeals.c
        query = (
            select(a.agency_id, func.count())
            .where(
                visible_in(scope),
                *slice_conditions(part, now),
                a.status.in_(_IN_WORK),
                a.due_at < now,
                a.clock_paused_at.is_(None),
            )
            .group_by(a.agency_id)
        )
        return {agency: int(n) for agency, n in self._session.execute(query)}

    def incident_overlap(self, scope: AppealScope, part: AppealSlice, now: datetime) -> tuple[int, int]:
        """(appeals of the slice in an incident, distinct incidents among them): problems = total − first +
        second, read from the small incident table instead of the million appeals."""
        query = (
            select(func.count(), func.count(incident_members.c.incident_id.distinct()))
            .select_from(incident_members.join(appeals, appeals.c.id == incident_members.c.appeal_id))
            .where(visible_in(scope), *slice_conditions(part, now))
        )
        members, incidents = self._session.execute(query).one()
        return int(members), int(incidents)


def _named(values: Iterable[Any]) -> dict[str, int]:
    return {name: int(v) for name, v in zip(ROLLUP_COUNTERS, values, strict=True)}


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
