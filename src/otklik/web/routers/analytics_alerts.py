"""Spike alerts: the list in the reader's scope and a moderator's acknowledgement (docs/map-and-alerts.md)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from otklik.adapters.db.repositories.spike_alerts import SpikeAlertRecord
from otklik.services import spike_alerts as alert_service
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


class AlertOut(BaseModel):
    id: int
    municipality_id: str
    group: str
    topic: str | None
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
    open: bool


def alert_out(alert: SpikeAlertRecord) -> AlertOut:
    values = {k: v for k, v in vars(alert).items() if k in AlertOut.model_fields}
    return AlertOut(**values, open=alert.closed_at is None)


@router.get("/alerts", response_model=list[AlertOut])
def alerts(
    ctx: Ctx,
    principal: StaffPrincipal,
    state: str = Query("all", pattern="^(open|all)$", description="open: only alerts still lasting"),
    limit: int = Query(100, ge=1, le=500),
) -> list[AlertOut]:
    """Newest first. A district office sees its municipality's alerts, a body those its appeals make."""
    found = alert_service.list_alerts(ctx, principal, open_only=state == "open", limit=limit)
    return [alert_out(a) for a in found]


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertOut)
def acknowledge(alert_id: int, ctx: Ctx, principal: StaffPrincipal) -> AlertOut:
    """A moderator has seen the alert: who and when are kept (the first acknowledgement stays)."""
    return alert_out(alert_service.acknowledge(ctx, principal, alert_id))
