"""Sign-in, sign-out and password change of the workplace (cookie session + CSRF)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from otklik.domain.errors import DomainError, TooManyAttempts
from otklik.services import staff
from otklik.web.auth import client_address
from otklik.web.dependencies import Ctx
from otklik.web.ui.rendering import render
from otklik.web.ui.session import CsrfSession, OptionalSession, Session, clear_session_cookie, set_session_cookie

router = APIRouter(prefix="/ui", include_in_schema=False)
# Before sign-in there is no session to hold a CSRF token: the form and a short-lived cookie carry the same
# random value (double submit), so another site cannot sign a person in under someone else's account.
LOGIN_CSRF_COOKIE = "otklik_login_csrf"


def safe_next(value: str | None) -> str:
    """Only a path of this site: an open redirect to another host is not offered."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/ui/"


def _login_page(request: Request, next_url: str, error: str | None = None, status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "ui/login.html", None, status, next_url=next_url, error=error, login_csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict", path="/ui/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: OptionalSession, next: str | None = None) -> Response:
    if session is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ctx: Ctx,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=256)],
    login_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), login_csrf.encode()):
        return _login_page(request, safe_next(next), "Форма устарела: войдите ещё раз.", 403)
    try:
        signed = staff.sign_in(ctx, username, password, client=client_address(request), kind="cookie")
    except TooManyAttempts as error:
        page = _login_page(request, safe_next(next), error.reason, 429)
        page.headers["Retry-After"] = str(error.retry_after)
        return page
    except DomainError as error:
        return _login_page(request, safe_next(next), error.reason, error.http_status)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, request, ctx, signed.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/ui/login")
    return response


@router.post("/logout")
def logout(ctx: Ctx, session: CsrfSession) -> Response:
    staff.sign_out(ctx, session.token)
    response = RedirectResponse("/ui/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, session: Session) -> HTMLResponse:
    return render(request, "ui/password.html", session)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    ctx: Ctx,
    session: CsrfSession,
    current_password: Annotated[str, Form(max_length=256)],
    new_password: Annotated[str, Form(max_length=256)],
    repeat_password: Annotated[str, Form(max_length=256)],
) -> HTMLResponse:
    if new_password != repeat_password:
        return render(request, "ui/password.html", session, 422, error="Новый пароль и повтор не совпадают.")
    try:
        staff.change_password(ctx, session.principal, current_password, new_password, keep_token=session.token)
    except DomainError as error:
        return render(request, "ui/password.html", session, error.http_status, error=error.reason)
    return render(request, "ui/password.html", session, done=True)
