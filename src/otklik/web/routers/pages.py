"""The overview page: a living picture of the stream in the signed-in person's scope; `/` leads to it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.domain.calendar import MOSCOW
from otklik.services.appeals import list_appeals
from otklik.web.dependencies import Ctx
from otklik.web.ui.session import Session

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))

STATUS_RU = {
    "new": "новое",
    "needs_moderation": "на модерации",
    "assigned": "назначено",
    "in_progress": "в работе",
    "answered": "дан промежуточный ответ",
    "resolved": "решено",
    "closed": "закрыто",
    "reopened": "возобновлено",
    "rejected": "отклонено",
    "redirected": "перенаправлено",
}


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=303)


@router.get("/ui/", response_class=HTMLResponse)
@router.get("/ui/overview", response_class=HTMLResponse)
def overview(request: Request, ctx: Ctx, session: Session) -> HTMLResponse:
    appeals, total = list_appeals(ctx, session.principal, AppealFilter(per_page=50))
    agencies = {a.id: a.name for a in ctx.reference.agencies}
    municipalities = {m.id: m.name for m in ctx.reference.municipalities}
    by_status = Counter(a.status for a in appeals)
    rows = [
        {
            "id": a.id,
            "number": a.number,
            "created": a.created_at.astimezone(MOSCOW).strftime("%d.%m %H:%M"),
            "channel": a.channel,
            "status": STATUS_RU.get(a.status, a.status),
            "status_code": a.status,
            "priority": a.priority,
            "group": a.group or "—",
            "topic": a.topic or "",
            "municipality": municipalities.get(a.municipality_id or "", "—"),
            "agency": agencies.get(a.agency_id or "", "—"),
            "due": a.due_at.astimezone(MOSCOW).strftime("%d.%m %H:%M") if a.due_at else "—",
            "text": a.text_masked[:160],
        }
        for a in appeals
    ]
    return templates.TemplateResponse(
        request,
        "overview.html",
        {
            "rows": rows,
            "total": total,
            "by_status": [(STATUS_RU.get(s, s), n) for s, n in by_status.most_common()],
        },
    )
