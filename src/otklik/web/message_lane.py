"""The short way for `POST /api/v1/messages` that is plainly fine (docs/ingestion.md, issue 10).

A gateway posting a stream of messages paid, per message, for FastAPI's exception and exit-stack middleware, the
router's walk over every route of the app, the dependency solver and its content-type parsing: about half of the
API process's CPU per accepted message, more than storing it. This middleware, the innermost of ours, answers a
request only when everything about it is known to be fine:

- `POST` to exactly `/api/v1/messages` with `Content-Type: application/json`;
- a bearer token resolved in the last few seconds (`web/auth.remembered_principal`: no lookup to wait for);
- a body that is a JSON object `MessageIn` validates as it stands, naming a channel the token may post.

Then it calls the same functions the route does (`routers/messages.inbound_message`, `accept_message`), so the
message is stored and answered exactly as there: 202, `Location`, the same JSON. Anything else — no token or one
to look up, another content type, JSON the schema refuses, a channel the token may not post, a message the
service refuses (`DomainError`, raised before anything is stored) — goes on to the app with the body replayed,
so every refusal is the route's own: its status, its reason, its order (401 before 422). The OpenAPI and the
route stay as they are."""

from __future__ import annotations

import json

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.datastructures import State
from starlette.routing import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from otklik.domain.channels import Channel
from otklik.domain.errors import DomainError
from otklik.observability import MESSAGE_LANE
from otklik.web.auth import bearer_of, remembered_principal
from otklik.web.limits import replayed
from otklik.web.routers.messages import accept_message, inbound_message
from otklik.web.schemas.messages import MessageIn

PATH = "/api/v1/messages"
_SHORT = MESSAGE_LANE.labels("short")
_APP = MESSAGE_LANE.labels("app")


class MessageLane:
    def __init__(self, app: ASGIApp, *, route: APIRoute) -> None:
        self.app = app
        self.route = route  # recorded in the scope as the router would: the request-time metric is by route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or get_route_path(scope) != PATH:
            await self.app(scope, receive, send)
            return
        token = _plain_json_bearer(scope["headers"])
        if token is None:
            _APP.inc()
            await self.app(scope, receive, send)
            return
        body = await _whole_body(receive)
        response = await self._answer(scope["app"].state, token, body)
        if response is None:
            _APP.inc()
            await self.app(scope, replayed(body, receive), send)
            return
        _SHORT.inc()
        scope["route"] = self.route
        await response(scope, receive, send)

    async def _answer(self, state: State, token: str, body: bytes) -> JSONResponse | None:
        """The route's answer, or None when the app must answer (it repeats whatever was done here)."""
        principal = remembered_principal(state, token)
        if principal is None:
            return None
        try:
            data = json.loads(body)  # what FastAPI does with a JSON body (Request.json)
            message = MessageIn.model_validate(data) if isinstance(data, dict) else None
        except (ValueError, ValidationError):  # ValueError: not JSON (JSONDecodeError, undecodable bytes)
            return None
        if message is None:
            return None
        try:
            channel = Channel(message.channel)
        except ValueError:
            return None
        if not principal.may_post(channel.value):
            return None
        try:
            return await accept_message(state, inbound_message(message, channel))
        except DomainError:  # refused before it was stored (services/messages.validate_message): the route says why
            return None


def _plain_json_bearer(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The bearer token of a request whose body is declared `application/json`; None for anything else."""
    content_type = authorization = None
    for name, value in headers:
        if name == b"content-type":
            if content_type is not None:
                return None  # twice: which one counts is the app's business
            content_type = value
        elif name == b"authorization":
            if authorization is not None:
                return None
            authorization = value
    if content_type is None or authorization is None:
        return None
    if content_type.split(b";", 1)[0].strip().lower() != b"application/json":
        return None
    return bearer_of(authorization.decode("latin-1"))


async def _whole_body(receive: Receive) -> bytes:
    """The body as the request guard replays it (web/limits.py: already read, counted and checked)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
