"""Spike alerts and the appeal counts the detector reads (every count through `visible_in`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, insert, or_, select, true, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.appeals import visible_in
from otklik.adapters.db.tables.alerts import spike_alerts
from otklik.adapters.db.tables.appeals import appeals
from otklik.domain.access import EVERYTHING, AppealScope

# Rejected as noise, these are not appeals of the stream: they neither make a spike nor a norm. Duplicates count:
# ten reports of one burst pipe are exactly what a spike is.
NOT_COUNTED = ("spam", "not_an_appeal")


@dataclass(frozen=True)
class SpikeAlertRecord:
    id: int
    municipality_id: str
    group: str
    topic: str | None
    agency_id: str | None
    text: str
    count: int
    peak_count: int
    expected: float
    rate_per_day: float
    p_value: float
    window_hours: int
    raised_at: datetime
    last_seen_at: datetime
    closed_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    notified: list[str]


@dataclass(frozen=True)
class SeriesAppeal:
    id: int
    municipality_id: str
    group: str
    topic: str | None
    agency_id: str | None
    status: str
    created_at: datetime


def _record(row: RowMapping) -> SpikeAlertRecord:
    values = dict(row)
    values["notified"] = list(values["notified"] or [])
    return SpikeAlertRecord(**values)


def alert_visible_in(scope: AppealScope) -> ColumnElement[bool]:
    """`AppealScope.admits` for an alert: a district office sees its municipality's, a body those its appeals make."""
    if scope.nothing:
        return false()
    if scope.everything:
        return true()
    if scope.municipality_id is not None:
        return spike_alerts.c.municipality_id == scope.municipality_id
    return spike_alerts.c.agency_id == (scope.agency_id or "")


def _counted() -> ColumnElement[bool]:
    return visible_in(EVERYTHING) & or_(appeals.c.reject_reason.is_(None), appeals.c.reject_reason.not_in(NOT_COUNTED))


class SpikeAlertRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # --- what the detector reads ---------------------------------------------------------------------------
    def window_counts(self, since: datetime, until: datetime) -> dict[tuple[str, str], int]:
        query = (
            select(appeals.c.municipality_id, appeals.c.group, func.count())
            .where(_counted(), appeals.c.created_at >= since, appeals.c.created_at < until)
            .where(appeals.c.municipality_id.is_not(None), appeals.c.group.is_not(None))
            .group_by(appeals.c.municipality_id, appeals.c.group)
        )
        return {(m, g): int(n) for m, g, n in self._session.execute(query)}

    def series_appeals(self, series: Iterable[tuple[str, str]], since: datetime, until: datetime) -> list[SeriesAppeal]:
        """The appeals of the given series between since and until (the baseline and the window)."""
        wanted = set(series)
        if not wanted:
            return []
        query = select(
            appeals.c.id,
            appeals.c.municipality_id,
            appeals.c.group,
            appeals.c.topic,
            appeals.c.agency_id,
            appeals.c.status,
            appeals.c.created_at,
        ).where(
            _counted(),
            appeals.c.created_at >= since,
            appeals.c.created_at < until,
            appeals.c.municipality_id.in_(sorted({m for m, _ in wanted})),
            appeals.c.group.in_(sorted({g for _, g in wanted})),
        )
        rows = (SeriesAppeal(**dict(row)) for row in self._session.execute(query).mappings())
        return [row for row in rows if (row.municipality_id, row.group) in wanted]

    def first_appeal_at(self) -> datetime | None:
        value = self._session.scalar(select(func.min(appeals.c.created_at)).where(_counted()))
        return _aware(value)

    # --- alerts ----------------------------------------------------------------------------------------------
    def open_alerts(self) -> list[SpikeAlertRecord]:
        query = select(spike_alerts).where(spike_alerts.c.closed_at.is_(None)).order_by(spike_alerts.c.id)
        return [_record(row) for row in self._session.execute(query).mappings()]

    def raise_alert(self, **values: Any) -> int | None:
        """None when an open alert of that municipality × group exists already (another scanner was first)."""
        try:
            with self._session.begin_nested():
                result = self._session.execute(insert(spike_alerts).values(**values).returning(spike_alerts.c.id))
                return int(result.scalar_one())
        except IntegrityError:
            return None

    def set_notified(self, alert_id: int, logins: list[str]) -> None:
        self._session.execute(update(spike_alerts).where(spike_alerts.c.id == alert_id).values(notified=logins))

    def still_high(self, alert_id: int, *, peak_count: int, at: datetime) -> None:
        self._session.execute(
            update(spike_alerts).where(spike_alerts.c.id == alert_id).values(last_seen_at=at, peak_count=peak_count)
        )

    def close(self, alert_id: int, at: datetime) -> None:
        self._session.execute(
            update(spike_alerts)
            .where(spike_alerts.c.id == alert_id, spike_alerts.c.closed_at.is_(None))
            .values(closed_at=at)
        )

    def acknowledge(self, alert_id: int, *, actor: str, at: datetime) -> None:
        """The first acknowledgement stays: who saw it first and when."""
        self._session.execute(
            update(spike_alerts)
            .where(spike_alerts.c.id == alert_id, spike_alerts.c.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by=actor)
        )

    def get(self, alert_id: int, scope: AppealScope) -> SpikeAlertRecord | None:
        query = select(spike_alerts).where(spike_alerts.c.id == alert_id, alert_visible_in(scope))
        row = self._session.execute(query).mappings().first()
        return _record(row) if row else None

    def listed(self, scope: AppealScope, *, open_only: bool, limit: int) -> list[SpikeAlertRecord]:
        query = select(spike_alerts).where(alert_visible_in(scope))
        if open_only:
            query = query.where(spike_alerts.c.closed_at.is_(None))
        query = query.order_by(spike_alerts.c.raised_at.desc(), spike_alerts.c.id.desc()).limit(limit)
        return [_record(row) for row in self._session.execute(query).mappings()]

    def open_unacknowledged(self, scope: AppealScope) -> int:
        query = select(func.count()).where(
            alert_visible_in(scope), spike_alerts.c.closed_at.is_(None), spike_alerts.c.acknowledged_at.is_(None)
        )
        return int(self._session.scalar(query) or 0)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
