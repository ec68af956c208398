"""The dashboard's figures and the agency league table (docs/analytics.md); the appeals behind any figure are
listed by `GET /api/v1/appeals` with the figure's `api` query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from otklik.domain.analytics import AppealSlice, Measure
from otklik.domain.errors import InvalidInput
from otklik.services import analytics as analytics_service
from otklik.services.context import ServiceContext
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.schemas.analytics import LeagueOut, SummaryOut, league_out, summary_out

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@dataclass(frozen=True)
class SliceQuery:
    """The query parameters every analytics view and the appeals list share (names as in the drill-down URLs)."""

    start: date | None = None
    end: date | None = None
    municipality: str | None = None
    group: str | None = None
    topic: str | None = None
    agency: str | None = None
    channel: str | None = None
    measure: str | None = None


def slice_query(
    start: date | None = Query(None, alias="from", description="first day (YYYY-MM-DD, the region's time)"),
    end: date | None = Query(None, alias="to", description="last day, inclusive"),
    municipality: str | None = Query(None, max_length=200, description="municipality id (OKTMO) or name"),
    group: str | None = Query(None, max_length=200),
    topic: str | None = Query(None, max_length=300),
    agency: str | None = Query(None, max_length=40),
    channel: str | None = Query(None, max_length=32),
) -> SliceQuery:
    return SliceQuery(start, end, municipality, group, topic, agency, channel)


def to_slice(ctx: ServiceContext, q: SliceQuery) -> AppealSlice:
    """422 with the reason for an unknown place, group, topic, body, channel or measure, or from > to."""
    measure = None
    if q.measure is not None:
        try:
            measure = Measure(q.measure)
        except ValueError:
            raise InvalidInput(f"unknown measure {q.measure!r}; one of {', '.join(Measure)}") from None
    municipality = None
    if q.municipality is not None:
        found = ctx.reference.municipality(q.municipality) or ctx.reference.municipality_by_name(q.municipality)
        if found is None:
            raise InvalidInput(f"unknown municipality {q.municipality!r}; see /api/v1/reference/municipalities")
        municipality = found.id
    part = AppealSlice(q.start, q.end, municipality, q.group, q.topic, q.agency, q.channel, measure)
    analytics_service.check_slice(ctx, part)
    return part


Slice = Annotated[SliceQuery, Depends(slice_query)]


@router.get("/summary", response_model=SummaryOut)
def summary(ctx: Ctx, principal: StaffPrincipal, q: Slice) -> SummaryOut:
    """Volumes, on-time share, working-hour durations, satisfaction, reopen/redirect rates, backlog per body and
    the machine's routing, over the appeals in the reader's scope registered in the period (default: 30 days)."""
    return summary_out(analytics_service.summary(ctx, principal, to_slice(ctx, q).narrowed(measure=None)))


@router.get("/league", response_model=LeagueOut)
def league(ctx: Ctx, principal: StaffPrincipal, q: Slice) -> LeagueOut:
    """Bodies ranked by on-time share, satisfaction, reopen and redirect rates, with the weekly on-time trend."""
    return league_out(analytics_service.league_table(ctx, principal, to_slice(ctx, q).narrowed(measure=None)))
