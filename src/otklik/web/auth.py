"""Who is asking: the principal of an API request (Authorization: Bearer) or of a UI request (session cookie).

The dependencies only establish the identity (401 without one); what the identity may do is decided by the
services (`domain/access.py`), so the API, the UI and the CLI obey the same rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import State

from otklik.domain.access import Principal, PrincipalKind
from otklik.domain.errors import Forbidden, Unauthorized
from otklik.services import staff
from otklik.services.context import ServiceContext
from otklik.web.bearer_lookups import BearerLookups

SESSION_COOKIE = "otklik_session"


def bearer_token(request: Request) -> str | None:
    return bearer_of(request.headers.get("authorization", ""))


def bearer_of(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header's value."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def api_principal(request: Request) -> Principal:
    """Async so that a token resolved a moment ago costs no trip to a worker thread (services/bearer_cache.py);
    only a lookup in the database runs in the thread pool, one per token at a time (web/bearer_lookups.py). The
    context is read from the app, not asked of FastAPI: each sub-dependency costs every request its own pass
    over the query, cookies and path (docs/ingestion.md)."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("нужна авторизация: Authorization: Bearer <токен> (POST /api/v1/auth/token)")
    principal = remembered_principal(request.app.state, token)
    if principal is None:
        lookups: BearerLookups = request.app.state.bearer_lookups
        principal = await lookups.resolve(request.app.state.ctx, token)
    if principal is None:
        raise Unauthorized("токен недействителен, истёк или отозван: получите новый")
    return principal


def remembered_principal(state: State, token: str) -> Principal | None:
    """The principal of a token resolved in the last few seconds, its refresh started in the background when the
    bound nears (web/bearer_lookups.py); None when it must be looked up."""
    ctx: ServiceContext = state.ctx
    principal = staff.remembered_principal(ctx, token)
    if principal is not None and staff.bearer_refresh_due(ctx, token):
        lookups: BearerLookups = state.bearer_lookups
        lookups.refresh(ctx, token)
    return principal


async def staff_principal(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    """The staff API: people only; an integration token posts messages and reads nothing."""
    if principal.kind is not PrincipalKind.STAFF:
        raise Forbidden("интеграционный токен может только передавать сообщения своих каналов")
    return principal


AnyPrincipal = Annotated[Principal, Depends(api_principal)]
StaffPrincipal = Annotated[Principal, Depends(staff_principal)]
