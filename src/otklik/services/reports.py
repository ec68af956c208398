"""The governor's weekly report (XLSX or PDF) and the anonymised open data (docs/reports.md, docs/open-data.md).

    weekly_report(ctx, principal, start, end, municipality_id=None) -> WeeklyReport   (the reader's scope)
    render(report, fmt)                                                -> bytes          (adapters/reports)
    open_data(ctx, start, end)                                         -> list[OpenDataRow] (public, small cells out)

The figures come from the dashboard's services (`analytics.summary`, `analytics.league_table`), the map's
population and boundaries (`analytics_map`) and the spike alerts (`spike_alerts.list_alerts`); the report adds
the per-municipality table, the overdue register, the top problems and the previous period beside this one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from otklik.adapters.db.repositories.reports import ReportRepository
from otklik.adapters.reports import pdf, xlsx
from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.analytics import MAX_SPAN_DAYS, AppealSlice, Bucket, bucket_start
from otklik.domain.errors import InvalidInput
from otklik.domain.reports import (
    IncidentLine,
    MunicipalityLine,
    OpenDataCell,
    OpenDataRow,
    OverdueLine,
    ReportFormat,
    SpikeLine,
    TopicLine,
    WeeklyReport,
    days_overdue,
    published,
)
from otklik.services import analytics, analytics_map, spike_alerts
from otklik.services.context import ServiceContext

REGION = "Костромская область"
OVERDUE_LIMIT = 1000  # rows of the overdue register; the total is always stated
TOP_TOPICS = 10
TOP_INCIDENTS = 10
TREND_WEEKS = 8
OPEN_DATA_DEFAULT_WEEKS = 12
OPEN_DATA_MAX_DAYS = 366
Progress = Callable[[str], None]


def _quiet(step: str) -> None:
    """No progress to show (the web)."""


def check_period(start: date, end: date) -> None:
    if start > end:
        raise InvalidInput(f"from ({start}) is after to ({end})")
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        raise InvalidInput(f"the period is longer than {MAX_SPAN_DAYS} days")


def weekly_report(
    ctx: ServiceContext,
    principal: Principal,
    start: date,
    end: date,
    municipality_id: str | None = None,
    *,
    progress: Progress = _quiet,
) -> WeeklyReport:
    """The report over the appeals registered in [start, end] that the principal may see (a district office:
    its municipality; a body: its own appeals), optionally narrowed to one municipality."""
    authorize(principal, Action.ANALYTICS)
    check_period(start, end)
    part = AppealSlice(start=start, end=end, municipality_id=municipality_id)
    analytics.check_slice(ctx, part)
    span = end - start + timedelta(days=1)
    before = part.narrowed(start=start - span, end=start - timedelta(days=1))
    progress("сводные показатели")
    summary = analytics.summary(ctx, principal, part)
    previous = analytics.summary(ctx, principal, before)
    trend_start = bucket_start(end, Bucket.WEEK) - timedelta(weeks=TREND_WEEKS - 1)
    trend = analytics.summary(ctx, principal, part.narrowed(start=min(trend_start, start)))
    progress("рейтинг органов")
    league = analytics.league_table(ctx, principal, part)
    progress("муниципалитеты, просрочка, главные проблемы")
    scope = scope_of(principal)
    now = ctx.clock.now()
    with ctx.uow(readonly=True) as uow:
        repo = ReportRepository(uow.session)
        by_place = {c.municipality_id: c for c in repo.by_municipality(scope, part, now)}
        overdue, overdue_total = repo.overdue(scope, part.narrowed(start=None), now, limit=OVERDUE_LIMIT)
        topics = repo.top_topics(scope, part, now, limit=TOP_TOPICS)
        incidents = repo.largest_incidents(scope, part, now, limit=TOP_INCIDENTS)
    progress("всплески")
    spikes = _spikes(ctx, principal, start, end)
    places = {m.id: m.name for m in ctx.reference.municipalities}
    bodies = {a.id: a.name for a in ctx.reference.agencies}
    people = analytics_map.populations(ctx.reference)
    municipalities = []
    for place in ctx.reference.municipalities:
        counts = by_place.get(place.id)
        seen = _sees(scope.everything, scope.agency_id, scope.municipality_id, place.id, municipality_id)
        municipalities.append(
            MunicipalityLine(
                id=place.id,
                name=place.name,
                population=people.get(place.id, 0),
                appeals=counts.appeals if counts else 0,
                due_answered=counts.due_answered if counts else 0,
                on_time=counts.on_time if counts else 0,
                overdue=counts.overdue if counts else 0,
                average_score=counts.average_score if counts else None,
                in_scope=seen,
            )
        )
    municipalities.sort(key=lambda m: (-m.appeals, m.name))
    return WeeklyReport(
        start=start,
        end=end,
        previous_start=before.start or start,
        previous_end=before.end or end,
        scope_label=_scope_label(ctx, principal, municipality_id),
        generated_at=now,
        summary=summary,
        previous=previous,
        trend=trend,
        league=league,
        municipalities=municipalities,
        overdue=[
            OverdueLine(
                number=r.number,
                created_at=r.created_at,
                due_at=r.due_at,
                agency=bodies.get(r.agency_id or "", r.agency_id or "—"),
                municipality=places.get(r.municipality_id or "", "—"),
                group=r.group or "—",
                topic=r.topic or "—",
                days_overdue=days_overdue(r.due_at, now),
            )
            for r in overdue
        ],
        overdue_total=overdue_total,
        top_topics=[TopicLine(g or "—", t, n) for g, t, n in topics],
        top_incidents=[
            IncidentLine(
                i.incident_id,
                places.get(i.municipality_id or "", "—"),
                i.group or "—",
                i.topic or "—",
                i.reporters,
                i.status,
            )
            for i in incidents
        ],
        spikes=spikes,
        boundaries=analytics_map.boundaries(ctx),
    )


def _sees(everything: bool, agency_id: str | None, own: str | None, place: str, narrowed: str | None) -> bool:
    """Whether the report may colour a municipality: outside a district office's own or the narrowing, no."""
    if narrowed is not None and place != narrowed:
        return False
    return everything or agency_id is not None or own == place


def _scope_label(ctx: ServiceContext, principal: Principal, municipality_id: str | None) -> str:
    scope = scope_of(principal)
    place = municipality_id or scope.municipality_id
    if place is not None:
        found = ctx.reference.municipality(place)
        label = found.name if found else place
    else:
        label = REGION
    if scope.agency_id is not None:
        body = ctx.reference.agency(scope.agency_id)
        label = f"{label} · {body.name if body else scope.agency_id}"
    return label


def _spikes(ctx: ServiceContext, principal: Principal, start: date, end: date) -> list[SpikeLine]:
    low = datetime.combine(start, time(0), tzinfo=ctx.calendar.tz)
    high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=ctx.calendar.tz)
    places = {m.id: m.name for m in ctx.reference.municipalities}
    return [
        SpikeLine(
            raised_at=a.raised_at,
            municipality=places.get(a.municipality_id, a.municipality_id),
            group=a.group,
            topic=a.topic or "—",
            count=a.peak_count,
            window_hours=a.window_hours,
            rate_per_day=a.rate_per_day,
            closed_at=a.closed_at,
            text=a.text,
        )
        for a in spike_alerts.list_alerts(ctx, principal, limit=500)
        if low <= a.raised_at < high
    ]


def render(report: WeeklyReport, fmt: ReportFormat) -> bytes:
    if fmt is ReportFormat.XLSX:
        return xlsx.render(report)
    return pdf.render(report)


def report_format(name: str) -> ReportFormat:
    try:
        return ReportFormat(name.lower().lstrip("."))
    except ValueError:
        raise InvalidInput(f"unknown report format {name!r}; one of xlsx, pdf") from None


# --- open data ---------------------------------------------------------------------------------------------------
def open_data_period(ctx: ServiceContext, start: date | None, end: date | None) -> tuple[date, date]:
    """The default: the last OPEN_DATA_DEFAULT_WEEKS complete weeks (Monday to Sunday) before today."""
    today = ctx.clock.now().astimezone(ctx.calendar.tz).date()
    last_sunday = bucket_start(today, Bucket.WEEK) - timedelta(days=1)
    end = end or last_sunday
    start = start or bucket_start(end, Bucket.WEEK) - timedelta(weeks=OPEN_DATA_DEFAULT_WEEKS - 1)
    if start > end:
        raise InvalidInput(f"from ({start}) is after to ({end})")
    if (end - start).days + 1 > OPEN_DATA_MAX_DAYS:
        raise InvalidInput(f"the period is longer than {OPEN_DATA_MAX_DAYS} days; ask for one year at a time")
    return start, end


def open_data(ctx: ServiceContext, start: date, end: date) -> list[OpenDataRow]:
    """Week × municipality × group counts of all the region's appeals: public, so no scope, but only aggregates,
    and a cell with fewer than SMALL_CELL appeals is left out (its figures could point at a person)."""
    now = ctx.clock.now()
    with ctx.uow(readonly=True) as uow:
        records = ReportRepository(uow.session).open_data(AppealSlice(start=start, end=end), now)
    cells: dict[tuple[date, str, str], list[tuple[bool, bool, float | None]]] = defaultdict(list)
    for r in records:
        week = bucket_start(r.created_at.astimezone(ctx.calendar.tz).date(), Bucket.WEEK)
        cells[(week, r.municipality_id, r.group)].append((r.answered, r.on_time, r.answer_hours))
    places = {m.id: m.name for m in ctx.reference.municipalities}
    rows = []
    for (week, place, group), values in sorted(cells.items()):
        cell = OpenDataCell(
            appeals=len(values),
            answered=sum(1 for answered, _, _ in values if answered),
            answered_on_time=sum(1 for _, on_time, _ in values if on_time),
            answer_hours=tuple(h for _, _, h in values if h is not None),
        )
        shown, median = published(cell)
        if shown:
            rows.append(
                OpenDataRow(
                    week,
                    place,
                    places.get(place, place),
                    group,
                    cell.appeals,
                    cell.answered,
                    cell.answered_on_time,
                    median,
                )
            )
    return rows
