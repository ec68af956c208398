"""Spike alerts in the workplace: `/ui/alerts` (scoped list, acknowledge) and the badge every page's menu shows."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from otklik.domain.access import Action, authorize
from otklik.domain.errors import DomainError
from otklik.services import spike_alerts as alert_service
from otklik.web.dependencies import Ctx
from otklik.web.ui.rendering import local_time
from otklik.web.ui.session import CsrfSession, Session
from otklik.web.ui.views import Names, done, page, refused

router = APIRouter(prefix="/ui", include_in_schema=False)
ALERTS = "/ui/alerts"


@router.get("/alerts", response_class=HTMLResponse)
def alerts_screen(request: Request, ctx: Ctx, session: Session) -> HTMLResponse:
    authorize(session.principal, Action.ANALYTICS)
    found = alert_service.list_alerts(ctx, session.principal, limit=200)
    names = Names(ctx)
    rows = [
        {
            "id": a.id,
            "text": a.text,
            "municipality": names.municipality(a.municipality_id),
            "municipality_id": a.municipality_id,
            "group": a.group,
            "open": a.closed_at is None,
            "raised": local_time(a.raised_at),
            "closed": local_time(a.closed_at) if a.closed_at else "",
            "peak": a.peak_count,
            "acknowledged": f"{a.acknowledged_by}, {local_time(a.acknowledged_at)}" if a.acknowledged_at else "",
            "notified": ", ".join(a.notified),
        }
        for a in found
    ]
    return page(
        request,
        "ui/alerts.html",
        session,
        open_rows=[r for r in rows if r["open"]],
        closed_rows=[r for r in rows if not r["open"]],
        may_acknowledge=session.principal.can(Action.MODERATE),
    )


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: int, ctx: Ctx, session: CsrfSession) -> Response:
    try:
        alert = alert_service.acknowledge(ctx, session.principal, alert_id)
    except DomainError as error:
        return refused(ALERTS, error)
    return done(ALERTS, f"Оповещение «{alert.text}» отмечено как просмотренное.")


@router.get("/alerts/badge.json")
def badge(ctx: Ctx, session: Session) -> JSONResponse:
    """Open alerts nobody has acknowledged, in the person's scope: the menu's badge and the moderators' banner."""
    count = alert_service.unacknowledged_count(ctx, session.principal)
    return JSONResponse({"open": count}, headers={"Cache-Control": "no-store"})
