"""The UI's sign-in state: a server-side session behind an HttpOnly, SameSite=Lax cookie, and its CSRF token.

Every state-changing form carries the session's CSRF token in the field `csrf_token` (or the header
`X-CSRF-Token` for scripts); a request without the matching token is refused with 403 before anything runs."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response

from otklik.domain.access import Principal
from otklik.domain.errors import Forbidden
from otklik.services import staff
from otklik.services.context import ServiceContext
from otklik.web.dependencies import Ctx

SESSION_COOKIE = "otklik_session"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No live session: the page answers with a redirect to the sign-in form, then back."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


@dataclass(frozen=True)
class UiSession:
    principal: Principal
    csrf_token: str
    token: str


def _secure(request: Request, ctx: ServiceContext) -> bool:
    mode = ctx.settings.cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def set_session_cookie(response: Response, request: Request, ctx: ServiceContext, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ctx.settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=_secure(request, ctx),
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def optional_session(request: Request, ctx: Ctx) -> UiSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = staff.session_of(ctx, token, kind="cookie")
    if found is None or found.csrf_token is None:
        return None
    return UiSession(staff.principal_of(found.user), found.csrf_token, token)


def required_session(request: Request, session: Annotated[UiSession | None, Depends(optional_session)]) -> UiSession:
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(quote(target, safe="/?=&"))
    return session


def check_csrf(session: UiSession, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(submitted.encode(), session.csrf_token.encode()):
        raise Forbidden("форма устарела или подделана (CSRF): обновите страницу и повторите")


async def csrf_protected(request: Request, session: Annotated[UiSession, Depends(required_session)]) -> UiSession:
    """For every POST of the UI: the session and its CSRF token, from the form field or the header."""
    submitted = request.headers.get("x-csrf-token")
    if submitted is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    check_csrf(session, submitted)
    return session


Session = Annotated[UiSession, Depends(required_session)]
OptionalSession = Annotated[UiSession | None, Depends(optional_session)]
CsrfSession = Annotated[UiSession, Depends(csrf_protected)]
