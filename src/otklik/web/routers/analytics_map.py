"""The offline map's data: boundaries (GeoJSON, from the package, no tile server) and the figures per municipality
with the latest geolocated points in the reader's scope (docs/map-and-alerts.md)."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from otklik.services import analytics_map as map_service
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


class MunicipalityOut(BaseModel):
    id: str
    name: str
    population: int
    appeals: int | None  # null: outside the reader's scope
    per_1000: float | None
    overdue: int | None
    overdue_share: float | None
    list_url: str | None  # the workplace's list of the appeals behind the figure


class PointOut(BaseModel):
    id: int
    number: str
    lat: float
    lon: float
    group: str | None
    status: str
    created_at: datetime


class MapOut(BaseModel):
    municipalities: list[MunicipalityOut]
    points: list[PointOut]
    points_total: int  # geolocated appeals matching the filters in the reader's scope
    points_limit: int  # at most this many (the newest) are sent
    population_source: str
    boundary_source: str


@router.get("/map/boundaries")
def boundaries(ctx: Ctx, principal: StaffPrincipal) -> JSONResponse:
    """The 29 municipalities as GeoJSON (simplified, shared borders kept shared), shipped with the package."""
    return JSONResponse(map_service.boundaries(ctx), headers={"Cache-Control": "private, max-age=86400"})


@router.get("/map", response_model=MapOut)
def map_figures(
    ctx: Ctx,
    principal: StaffPrincipal,
    start: date | None = Query(None, alias="from", description="first day (YYYY-MM-DD, the region's time)"),
    end: date | None = Query(None, alias="to", description="last day, inclusive"),
    group: str | None = Query(None, max_length=200),
    channel: str | None = Query(None, max_length=32),
    points: int = Query(map_service.POINTS_LIMIT, ge=0, le=map_service.POINTS_LIMIT, description="newest N points"),
) -> MapOut:
    """Appeals per 1,000 residents and overdue share per municipality; the newest geolocated appeals as points
    (number, group, status — no personal data). A district office gets figures for its municipality only."""
    filters = map_service.map_filter(ctx, start=start, end=end, group=group, channel=channel)
    view = map_service.map_view(ctx, principal, filters, points_limit=points)
    query = _query(start=start, end=end, group=group, channel=channel)
    return MapOut(
        municipalities=[
            MunicipalityOut(
                id=m.id,
                name=m.name,
                population=m.population,
                appeals=m.appeals,
                per_1000=m.per_1000,
                overdue=m.overdue,
                overdue_share=m.overdue_share,
                list_url=f"/ui/map/appeals?municipality={m.id}{query}" if m.appeals is not None else None,
            )
            for m in view.municipalities
        ],
        points=[PointOut(**vars(p)) for p in view.points],
        points_total=view.points_total,
        points_limit=view.points_limit,
        population_source=map_service.POPULATION_SOURCE,
        boundary_source=map_service.BOUNDARY_SOURCE,
    )


def _query(*, start: date | None, end: date | None, group: str | None, channel: str | None) -> str:
    """The map's own filters carried into the drill-down link."""
    kept = {k: str(v) for k, v in {"from": start, "to": end, "group": group, "channel": channel}.items() if v}
    return "&" + urlencode(kept) if kept else ""
