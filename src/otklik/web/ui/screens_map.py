"""The map screen (`/ui/map`): Leaflet draws our own GeoJSON (no tiles, no internet), coloured by appeals per
1,000 residents or overdue share; the figures and points come from the same service as the API, in scope."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from otklik.domain.access import Action, authorize
from otklik.services import analytics_map as map_service
from otklik.web.dependencies import Ctx
from otklik.web.routers.analytics_map import map_figures
from otklik.web.ui.rendering import STATUS_RU
from otklik.web.ui.session import Session
from otklik.web.ui.views import CHANNEL_RU, Names, appeal_row, page

router = APIRouter(prefix="/ui", include_in_schema=False)
Text = Annotated[str | None, Query(max_length=200)]
PER_PAGE = 50


@router.get("/map", response_class=HTMLResponse)
def map_screen(request: Request, ctx: Ctx, session: Session) -> HTMLResponse:
    authorize(session.principal, Action.ANALYTICS)
    groups = [g.name for g in ctx.reference.rubricator.groups if g.active]
    return page(
        request,
        "ui/map.html",
        session,
        groups=groups,
        channels=sorted(CHANNEL_RU.items(), key=lambda item: item[1]),
        population_source=map_service.POPULATION_SOURCE,
        boundary_source=map_service.BOUNDARY_SOURCE,
        points_limit=map_service.POINTS_LIMIT,
        status_ru=STATUS_RU,
    )


@router.get("/map/boundaries.json")
def map_boundaries(ctx: Ctx, session: Session) -> JSONResponse:
    authorize(session.principal, Action.ANALYTICS)
    return JSONResponse(map_service.boundaries(ctx), headers={"Cache-Control": "private, max-age=86400"})


@router.get("/map/data.json")
def map_data(
    ctx: Ctx,
    session: Session,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    group: Text = None,
    channel: Text = None,
) -> JSONResponse:
    """What `GET /api/v1/analytics/map` answers, for the cookie session of the workplace."""
    view = map_figures(ctx, session.principal, start, end, group, channel, map_service.POINTS_LIMIT)
    return JSONResponse(view.model_dump(mode="json"))


@router.get("/map/appeals", response_class=HTMLResponse)
def map_appeals(
    request: Request,
    ctx: Ctx,
    session: Session,
    municipality: Text = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    group: Text = None,
    channel: Text = None,
    overdue: bool = False,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The appeals behind a municipality's figure on the map (masked text), in the reader's scope."""
    filters = map_service.map_filter(
        ctx, start=start, end=end, group=group, channel=channel, municipality=municipality, overdue_only=overdue
    )
    appeals, total = map_service.drilldown(ctx, session.principal, filters, page=page_number, per_page=PER_PAGE)
    names, now = Names(ctx), ctx.clock.now()
    return page(
        request,
        "ui/map_appeals.html",
        session,
        rows=[appeal_row(a, names, now, text_length=160) for a in appeals],
        total=total,
        municipality=names.municipality(filters.municipality_id) if filters.municipality_id else "вся область",
        filters={"from": start, "to": end, "group": group, "channel": channel, "overdue": overdue},
        next_url=_next_page(request, page_number) if total > page_number * PER_PAGE else None,
    )


def _next_page(request: Request, page_number: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return "/ui/map/appeals?" + urlencode([*params, ("page", str(page_number + 1))])
