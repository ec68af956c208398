"""The workplace's front door: `/ui/` leads each role to its work, and the overview of the stream in scope."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.domain.access import Principal, Role
from otklik.services.appeals import list_page
from otklik.web.dependencies import Ctx
from otklik.web.ui.rendering import STATUS_RU
from otklik.web.ui.session import Session
from otklik.web.ui.views import Names, appeal_row, page

router = APIRouter(prefix="/ui", include_in_schema=False)


def home_of(principal: Principal) -> str:
    """Moderators start at the queue, a body's people at their appeals, analysts (and the rest) at the overview."""
    if principal.role in (Role.REGIONAL_MODERATOR, Role.DISTRICT_MODERATOR):
        return "/ui/moderation"
    if principal.role in (Role.EXECUTOR, Role.AGENCY_HEAD):
        return "/ui/agency"
    return "/ui/overview"


@router.get("/")
def home(session: Session) -> RedirectResponse:
    return RedirectResponse(home_of(session.principal), status_code=303)


@router.get("/overview", response_class=HTMLResponse)
def overview(request: Request, ctx: Ctx, session: Session) -> HTMLResponse:
    """The latest appeals in the person's scope (the service applies it) and how many are in each status."""
    # The count stops at 10 000 (a region's year is a million): the page then says «больше 10 000».
    found = list_page(ctx, session.principal, AppealFilter(per_page=50, exact_total=False))
    appeals, total = found.items, found.total
    names, now = Names(ctx), ctx.clock.now()
    by_status = Counter(a.status for a in appeals)
    return page(
        request,
        "ui/overview.html",
        session,
        rows=[appeal_row(a, names, now, text_length=160) for a in appeals],
        total=total,
        total_capped=found.total_capped,
        by_status=[(STATUS_RU.get(s, s), n) for s, n in by_status.most_common()],
    )
