"""What the map reads: appeals and overdue appeals per municipality, and the latest geolocated points, all
through `visible_in(scope)` (a district office counts its municipality, a body its own appeals)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.appeals import visible_in
from otklik.adapters.db.tables.appeals import appeals
from otklik.domain.access import AppealScope
from otklik.domain.appeal import Appeal
from otklik.domain.status import OPEN_STATUSES

Row = TypeVar("Row", bound=Any)


@dataclass(frozen=True)
class MapFilter:
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before
    group: str | None = None
    channel: str | None = None
    municipality_id: str | None = None
    overdue_only: bool = False


@dataclass(frozen=True)
class MunicipalityCount:
    municipality_id: str
    appeals: int
    overdue: int


@dataclass(frozen=True)
class MapPoint:
    id: int
    number: str
    lat: float
    lon: float
    group: str | None
    status: str
    created_at: datetime


def overdue_at(now: datetime) -> ColumnElement[bool]:
    """Open, past its deadline, clock running: the same rule as `Appeal.is_overdue` and the appeal list's filter."""
    return and_(
        appeals.c.due_at < now,
        appeals.c.status.in_([s.value for s in OPEN_STATUSES]),
        appeals.c.clock_paused_at.is_(None),
    )


def _filtered(query: Select[Row], scope: AppealScope, filters: MapFilter, now: datetime) -> Select[Row]:
    query = query.where(visible_in(scope))
    if filters.since is not None:
        query = query.where(appeals.c.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(appeals.c.created_at < filters.until)
    if filters.group:
        query = query.where(appeals.c.group == filters.group)
    if filters.channel:
        query = query.where(appeals.c.channel == filters.channel)
    if filters.municipality_id:
        query = query.where(appeals.c.municipality_id == filters.municipality_id)
    if filters.overdue_only:
        query = query.where(overdue_at(now))
    return query


class AnalyticsMapRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_municipality(self, scope: AppealScope, filters: MapFilter, now: datetime) -> list[MunicipalityCount]:
        overdue = func.sum(case((overdue_at(now), 1), else_=0))
        query = _filtered(select(appeals.c.municipality_id, func.count(), overdue), scope, filters, now).where(
            appeals.c.municipality_id.is_not(None)
        )
        query = query.group_by(appeals.c.municipality_id)
        return [MunicipalityCount(str(m), int(n), int(o or 0)) for m, n, o in self._session.execute(query)]

    def points(
        self, scope: AppealScope, filters: MapFilter, now: datetime, *, limit: int
    ) -> tuple[list[MapPoint], int]:
        """The latest `limit` geolocated appeals, newest first, and how many there are in all."""
        located = (appeals.c.lat.is_not(None), appeals.c.lon.is_not(None))
        total_query = _filtered(select(func.count()).select_from(appeals), scope, filters, now).where(*located)
        total = int(self._session.scalar(total_query) or 0)
        query: Select[Any] = _filtered(
            select(
                appeals.c.id,
                appeals.c.number,
                appeals.c.lat,
                appeals.c.lon,
                appeals.c.group,
                appeals.c.status,
                appeals.c.created_at,
            ),
            scope,
            filters,
            now,
        ).where(*located)
        query = query.order_by(appeals.c.created_at.desc(), appeals.c.id.desc()).limit(limit)
        return [MapPoint(**dict(row)) for row in self._session.execute(query).mappings()], total

    def appeals(
        self, scope: AppealScope, filters: MapFilter, now: datetime, *, page: int, per_page: int
    ) -> tuple[list[Appeal], int]:
        """The appeals behind a municipality's figure: the drill-down list, newest first."""
        total = int(
            self._session.scalar(_filtered(select(func.count()).select_from(appeals), scope, filters, now)) or 0
        )
        query = _filtered(select(Appeal), scope, filters, now)
        query = query.order_by(appeals.c.created_at.desc(), appeals.c.id.desc())
        query = query.offset((page - 1) * per_page).limit(per_page)
        return list(self._session.scalars(query)), total
