"""One Jinja2 environment for every page, with the Russian labels and the signed-in person in each page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from otklik.domain.access import ROLE_RU, Action
from otklik.domain.calendar import MOSCOW
from otklik.web.ui.session import CSRF_FIELD, UiSession

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


def local_time(value: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    return value.astimezone(MOSCOW).strftime(fmt) if value else "—"


templates.env.filters["local"] = local_time
templates.env.globals["STATUS_RU"] = STATUS_RU
templates.env.globals["ROLE_RU"] = ROLE_RU
templates.env.globals["Action"] = Action
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD


def render(
    request: Request, template: str, session: UiSession | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page; `me` is the signed-in principal (None on the sign-in page), `csrf` the token for its forms."""
    context.update(me=session.principal if session else None, csrf=session.csrf_token if session else "")
    return templates.TemplateResponse(request, template, context, status_code=status_code)
