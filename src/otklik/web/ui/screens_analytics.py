"""The dashboard (`/ui/analytics`), the agency league table (`/ui/analytics/league`) and the list of appeals
behind any figure (`/ui/analytics/appeals`), each within the reader's scope (the service applies it).

The page is rendered on the server with the figures embedded as JSON; `static/analytics.js` draws them with
Chart.js, and every bar and tile is a link to its drill-down list (docs/analytics.md)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.domain.analytics import AppealSlice, Measure
from otklik.domain.errors import InvalidInput
from otklik.domain.reports import ReportFormat
from otklik.services import analytics as analytics_service
from otklik.services.appeals import list_appeals
from otklik.services.context import ServiceContext
from otklik.web.dependencies import Ctx
from otklik.web.routers.analytics import SliceQuery, to_slice
from otklik.web.routers.reports import report_response
from otklik.web.schemas.analytics import league_out, summary_out
from otklik.web.ui.session import Session
from otklik.web.ui.views import Names, appeal_row, page

router = APIRouter(prefix="/ui/analytics", include_in_schema=False)

PER_PAGE = 50
MEASURE_RU = {
    Measure.FINAL_ANSWER: "с окончательным ответом",
    Measure.EVER_ANSWERED: "с окончательным ответом (в том числе возвращённые)",
    Measure.FIRST_RESPONSE: "с первым ответом",
    Measure.DUE_ANSWERED: "с ответом и сроком",
    Measure.ON_TIME: "отвечено в срок",
    Measure.LATE: "отвечено с опозданием",
    Measure.OPEN: "в работе",
    Measure.OVERDUE: "просрочено",
    Measure.REOPENED: "возвращено заявителем («не решено»)",
    Measure.ROUTED: "назначено в орган",
    Measure.REDIRECTED: "перенаправлено",
    Measure.MACHINE_ROUTED: "назначено машиной без человека",
    Measure.MACHINE_CORRECTED: "назначено машиной и исправлено людьми",
    Measure.RATED: "оценено заявителем",
    Measure.SOLVED: "заявитель: «решено»",
}


def _blank(value: str | None) -> str | None:
    """A form sends empty fields as empty strings: «any»."""
    return value.strip() or None if value is not None else None


def _day(value: str | None, name: str) -> date | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name}: ожидается дата ГГГГ-ММ-ДД, получено {value!r}") from None


def form_slice(
    ctx: ServiceContext,
    start: str | None,
    end: str | None,
    municipality: str | None,
    group: str | None,
    topic: str | None,
    agency: str | None,
    channel: str | None,
    measure: str | None = None,
) -> AppealSlice:
    query = SliceQuery(
        _day(start, "from"),
        _day(end, "to"),
        _blank(municipality),
        _blank(group),
        _blank(topic),
        _blank(agency),
        _blank(channel),
        _blank(measure),
    )
    return to_slice(ctx, query)


def _choices(ctx: ServiceContext) -> dict[str, list[tuple[str, str]]]:
    ref = ctx.reference
    return {
        "municipalities": sorted(((m.id, m.name) for m in ref.municipalities), key=lambda p: p[1]),
        "groups": [(g.name, g.name) for g in ref.rubricator.groups],
        "agencies": sorted(((a.id, a.name) for a in ref.agencies), key=lambda p: p[1]),
        "channels": sorted(analytics_service.CHANNEL_RU.items(), key=lambda p: p[1]),
    }


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    ctx: Ctx,
    session: Session,
    start: str | None = Query(None, alias="from", max_length=20),
    end: str | None = Query(None, alias="to", max_length=20),
    municipality: str | None = Query(None, max_length=200),
    group: str | None = Query(None, max_length=200),
    agency: str | None = Query(None, max_length=40),
    channel: str | None = Query(None, max_length=32),
) -> HTMLResponse:
    part = form_slice(ctx, start, end, municipality, group, None, agency, channel)
    found = analytics_service.summary(ctx, session.principal, part)
    data = summary_out(found).model_dump(mode="json")
    return page(request, "ui/analytics.html", session, data=data, filters=data["filters"], choices=_choices(ctx))


@router.get("/report.{fmt}")
def report_file(
    ctx: Ctx,
    session: Session,
    fmt: ReportFormat,
    start: str | None = Query(None, alias="from", max_length=20),
    end: str | None = Query(None, alias="to", max_length=20),
    municipality: str | None = Query(None, max_length=200),
) -> Response:
    """The weekly report form's download (docs/reports.md): the reader's scope, the default period as above."""
    part = form_slice(ctx, start, end, municipality, None, None, None, None)
    part = analytics_service.with_period(ctx, part)
    assert part.start is not None and part.end is not None
    return report_response(ctx, session.principal, part.start, part.end, part.municipality_id, fmt)


@router.get("/league", response_class=HTMLResponse)
def league(
    request: Request,
    ctx: Ctx,
    session: Session,
    start: str | None = Query(None, alias="from", max_length=20),
    end: str | None = Query(None, alias="to", max_length=20),
    municipality: str | None = Query(None, max_length=200),
    group: str | None = Query(None, max_length=200),
    channel: str | None = Query(None, max_length=32),
) -> HTMLResponse:
    part = form_slice(ctx, start, end, municipality, group, None, None, channel)
    table = league_out(analytics_service.league_table(ctx, session.principal, part)).model_dump(mode="json")
    return page(
        request, "ui/analytics_league.html", session, table=table, filters=table["filters"], choices=_choices(ctx)
    )


@router.get("/appeals", response_class=HTMLResponse)
def drilldown(
    request: Request,
    ctx: Ctx,
    session: Session,
    start: str | None = Query(None, alias="from", max_length=20),
    end: str | None = Query(None, alias="to", max_length=20),
    municipality: str | None = Query(None, max_length=200),
    group: str | None = Query(None, max_length=200),
    topic: str | None = Query(None, max_length=300),
    agency: str | None = Query(None, max_length=40),
    channel: str | None = Query(None, max_length=32),
    measure: str | None = Query(None, max_length=32),
    page_number: int = Query(1, alias="page", ge=1, le=100_000),
) -> HTMLResponse:
    """The appeals behind a figure: the same slice as the figure, masked text only (the list shows no contacts)."""
    part = form_slice(ctx, start, end, municipality, group, topic, agency, channel, measure)
    now = ctx.clock.now()
    filters = AppealFilter(
        group=part.group,
        municipality_id=part.municipality_id,
        agency_id=part.agency_id,
        slice=part.narrowed(group=None, municipality_id=None, agency_id=None),
        measured_at=now,
        page=page_number,
        per_page=PER_PAGE,
    )
    appeals, total = list_appeals(ctx, session.principal, filters)
    names = Names(ctx)
    described = [
        f"с {part.start:%d.%m.%Y}" if part.start else "",
        f"по {part.end:%d.%m.%Y}" if part.end else "",
        names.municipality(part.municipality_id) if part.municipality_id else "",
        part.group or "",
        part.topic or "",
        names.agency(part.agency_id) if part.agency_id else "",
        analytics_service.CHANNEL_RU.get(part.channel, part.channel) if part.channel else "",
        MEASURE_RU[part.measure] if part.measure else "",
    ]
    query = part.query()
    back = {k: v for k, v in query.items() if k in ("from", "to", "municipality", "group", "agency", "channel")}
    return page(
        request,
        "ui/analytics_appeals.html",
        session,
        rows=[appeal_row(a, names, now, text_length=200) for a in appeals],
        total=total,
        described=[d for d in described if d],
        back_url="/ui/analytics?" + urlencode(back),
        next_url=(part.ui_url() + f"&page={page_number + 1}") if page_number * PER_PAGE < total else None,
        page_number=page_number,
    )
