"""The citizen's sign-in on the portal pages: the portal's bearer token in a cookie, and the CSRF tokens of forms.

The cookie `otklik_portal` holds the token `services.accounts.login` issues (the same session the API's Bearer
token is; only its SHA-256 is stored), HttpOnly, SameSite=Lax, Secure behind https, path /portal.

CSRF. Every POST form carries `csrf_token`:
- signed in: HMAC-SHA256 keyed by the session token over a fixed label. Only the browser holding the HttpOnly
  cookie and the server know the token, so another site can neither read nor compute the value, and the value
  printed in the page reveals nothing about the token. It needs no server secret shared between processes, and it
  ends with the session (a new sign-in gives a new one).
- before sign-in (register, sign in) there is no session: a random value in the form and in the cookie
  `otklik_portal_form` (SameSite=Strict), compared on submit (double submit) — so another site cannot sign a
  citizen in under someone else's account.
A request without the matching value is refused with 403 before anything runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response

from otklik.adapters.db.repositories.accounts import AccountRecord
from otklik.domain import access
from otklik.domain.access import Principal
from otklik.domain.errors import Forbidden, Unauthorized
from otklik.services import accounts
from otklik.services.context import ServiceContext
from otklik.web.dependencies import Ctx

SESSION_COOKIE = "otklik_portal"
FORM_COOKIE = "otklik_portal_form"
CSRF_FIELD = "csrf_token"
COOKIE_PATH = "/portal"
_CSRF_LABEL = b"otklik-portal-csrf/v1"
_FORM_COOKIE_SECONDS = 2 * 3600  # a registration form may stay open a while; a stale one asks to reload


class SignInRequired(Exception):
    """No live session: the page answers with a redirect to the sign-in form, then back."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


@dataclass(frozen=True)
class CitizenSession:
    account: AccountRecord
    token: str

    @property
    def csrf_token(self) -> str:
        return csrf_of(self.token)

    @property
    def principal(self) -> Principal:
        return access.citizen(f"citizen:{self.account.id}")


def csrf_of(token: str) -> str:
    return hmac.new(token.encode(), _CSRF_LABEL, hashlib.sha256).hexdigest()


def _secure(request: Request, ctx: ServiceContext) -> bool:
    """The same rule as the workplace's cookie (`OTKLIK_COOKIE_SECURE`: auto = when the request came over https)."""
    mode = ctx.settings.cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def set_session_cookie(response: Response, request: Request, ctx: ServiceContext, token: str, seconds: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="lax",
        secure=_secure(request, ctx),
        path=COOKIE_PATH,
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def optional_citizen(request: Request, ctx: Ctx) -> CitizenSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return CitizenSession(accounts.current_account(ctx, token), token)
    except Unauthorized:  # expired or signed out elsewhere: the pages treat it as not signed in
        return None


def required_citizen(
    request: Request, session: Annotated[CitizenSession | None, Depends(optional_citizen)]
) -> CitizenSession:
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(quote(target, safe="/?=&"))
    return session


def _same(expected: str, submitted: str | None) -> bool:
    return bool(expected and submitted) and hmac.compare_digest(expected.encode(), (submitted or "").encode())


async def _submitted_token(request: Request) -> str | None:
    form = await request.form()  # Starlette keeps the parsed form: the handler reads the same one
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None


async def csrf_protected(
    request: Request, session: Annotated[CitizenSession, Depends(required_citizen)]
) -> CitizenSession:
    """For every POST of a signed-in citizen: the session, after its CSRF token is checked."""
    if not _same(session.csrf_token, await _submitted_token(request)):
        raise Forbidden("форма устарела или подделана (CSRF): обновите страницу и повторите")
    return session


def form_token(request: Request) -> str:
    """The double-submit value for a form shown before sign-in: the one already in the cookie, or a new one."""
    return request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)


def keep_form_token(response: Response, request: Request, ctx: ServiceContext, token: str) -> None:
    response.set_cookie(
        FORM_COOKIE,
        token,
        max_age=_FORM_COOKIE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=_secure(request, ctx),
        path=COOKIE_PATH,
    )


async def form_protected(request: Request) -> None:
    """For the POSTs before sign-in: the form's value must equal the cookie's."""
    if not _same(request.cookies.get(FORM_COOKIE, ""), await _submitted_token(request)):
        raise Forbidden("форма устарела или подделана (CSRF): обновите страницу и повторите")


OptionalCitizen = Annotated[CitizenSession | None, Depends(optional_citizen)]
Citizen = Annotated[CitizenSession, Depends(required_citizen)]
CsrfCitizen = Annotated[CitizenSession, Depends(csrf_protected)]
FormProtected = Depends(form_protected)
