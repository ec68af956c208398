"""Request guards in front of the whole app (pure ASGI, so nothing is buffered that need not be):

- `RequestLimits`: the body size, counted as the bytes arrive (a too-large `Content-Length` is refused at once,
  a chunked body is cut off at the limit), and text the databases cannot store — a NUL (`\\u0000`) or a lone
  UTF-16 surrogate (`\\ud800`) anywhere in the path, the query, a JSON body or a form — refused with 422 naming
  the field. JSON numbers that are not numbers (`NaN`, `Infinity`) and JSON nested deeper than the limit too.
- `UnexpectedErrors`: a bug becomes a problem+json 500 on a connection that stays usable. Starlette's own
  ServerErrorMiddleware answers 500 and then re-raises, and uvicorn closes a connection whose application
  raised: the client's next request on the kept-alive connection failed as well.

The limits are one table: `otklik.web.schemas.fields` (fields) and `Settings.max_body_bytes` /
`max_upload_body_bytes` (bodies); docs/limits.md lists them with what the caller gets."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from otklik.settings import Settings
from otklik.web.schemas.fields import MAX_JSON_DEPTH, UNSTORABLE, unstorable_reason

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
_INSPECTED_TYPES = ("application/json", "application/x-www-form-urlencoded")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit; the problem handlers turn it into a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def _problem(status: int, title: str, detail: str, *, close: bool = False, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"Connection": "close"} if close else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _walk(value: Any, where: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(field, reason) for each string in a JSON value that cannot be stored; keys count as strings too."""
    if depth > MAX_JSON_DEPTH:
        yield where or "body", f"nested deeper than {MAX_JSON_DEPTH} levels"
        return
    if isinstance(value, str):
        reason = unstorable_reason(value)
        if reason:
            yield where or "body", reason
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = unstorable_reason(key)
            field = f"{where}.{key}" if where else key
            if reason:
                yield _printable(field), f"the key {reason}"
            yield from _walk(item, _printable(field), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]", depth + 1)


def _printable(field: str) -> str:
    return UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", field)


def _not_a_number(constant: str) -> float:
    raise ValueError(f"{constant} is not a JSON number")


# What the full check looks for can only be in a body with one of these bytes: a NUL or a surrogate is written as an
# escape (`\u0000`, `\ud800`, either case), a raw NUL, a raw UTF-8 surrogate (0xED 0xA0–0xBF), the non-numbers.
# Anything else (an escaped Cyrillic letter, an emoji's escaped pair too) may mean nothing, but takes the full check.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_RAW_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def _plainly_acceptable(body: bytes) -> bool:
    """True when no string in the body can be unstorable and its nesting cannot pass the limit (fewer brackets than
    the limit): a few scans in C instead of a parse and a walk. Every message a gateway posts is such a body; before,
    each was parsed here and again by the route (docs/ingestion.md). Substring tests first, a regular expression only
    where one matched: one expression with every alternative stopped at each of the hundreds of escaped letters of
    a body written with `ensure_ascii` (11 µs a message body, against 6 µs now)."""
    if b"\x00" in body or b"\\u0000" in body or b"NaN" in body or b"Infinity" in body:
        return False
    if b"\xed" in body and _RAW_SURROGATE.search(body):
        return False
    if (b"\\ud" in body or b"\\uD" in body) and _SURROGATE_ESCAPE.search(body):
        return False
    return body.count(b"{") + body.count(b"[") <= MAX_JSON_DEPTH


def json_reasons(body: bytes) -> list[tuple[str, str]] | None:
    """Reasons to refuse a JSON body; None when it is not JSON at all (the route answers 400 for that). A body
    that plainly has none gets [] without being parsed: if it is not JSON, the route still answers 400."""
    if _plainly_acceptable(body):
        return []
    try:
        value = json.loads(body, parse_constant=_not_a_number)
    except RecursionError:
        return [("body", f"nested deeper than {MAX_JSON_DEPTH} levels")]
    except ValueError as error:
        if "is not a JSON number" in str(error):
            return [("body", f"{str(error).split(' is not')[0]} is not a number JSON allows (RFC 8259)")]
        return None
    return list(_walk(value, ""))


def _pairs_reasons(pairs: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    reasons = []
    for key, value in pairs:
        reason = unstorable_reason(key) or unstorable_reason(value)
        if reason:
            reasons.append((f"{prefix}.{_printable(key)}", reason))
    return reasons


def query_reasons(scope: Scope) -> list[tuple[str, str]]:
    reasons = []
    path_reason = unstorable_reason(scope.get("path", ""))
    if path_reason:
        reasons.append(("path", path_reason))
    query = scope.get("query_string", b"").decode("latin-1")
    pairs = parse_qsl(query, keep_blank_values=True, errors="replace")
    return reasons + _pairs_reasons(pairs, "query")


def _refusal(reasons: list[tuple[str, str]]) -> JSONResponse:
    detail = "; ".join(f"{field}: {reason}" for field, reason in reasons)
    errors = [{"field": field, "reason": reason} for field, reason in reasons]
    return _problem(422, "Invalid input", detail, errors=errors)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestLimits:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_body_bytes = max_upload_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reasons = query_reasons(scope)
        if reasons:
            await _refusal(reasons)(scope, receive, send)
            return
        content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        limit = self.max_upload_body_bytes if content_type == "multipart/form-data" else self.max_body_bytes
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            status, title = (413, "Payload too large") if declared.isdigit() else (400, "Bad request")
            detail = f"the request body is larger than {limit} bytes" if status == 413 else "bad Content-Length"
            await _problem(status, title, detail, close=True, limit=limit)(scope, receive, send)
            return
        if content_type in _INSPECTED_TYPES or content_type.endswith("+json"):
            await self._inspected(scope, receive, send, content_type, limit)
            return
        await self.app(scope, _counting(receive, limit), send)

    async def _inspected(self, scope: Scope, receive: Receive, send: Send, content_type: str, limit: int) -> None:
        """A JSON or form body is small by the limit: read it (counting), look inside, then hand it on."""
        try:
            body = await _read_body(receive, limit)
        except BodyTooLarge:
            await _problem(413, "Payload too large", f"the request body is larger than {limit} bytes", close=True)(
                scope, receive, send
            )
            return
        if content_type == "application/x-www-form-urlencoded":
            pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, errors="replace")
            reasons: list[tuple[str, str]] | None = _pairs_reasons(pairs, "form")
        else:
            reasons = json_reasons(body)
        if reasons:
            await _refusal(reasons)(scope, receive, send)
            return
        await self.app(scope, replayed(body, receive), send)


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replayed(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read, then whatever the server's own gives (the disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as the server's own receive does

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge(limit)
        return message

    return counted


class UnexpectedErrors:
    """The outermost guard: an exception nobody handled is logged and answered, not re-raised to the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            log.exception("http.unexpected_error", method=scope.get("method"), path=scope.get("path"))
            if started:
                raise  # half an answer is out: only closing the connection tells the client it is broken
            detail = "an unexpected error; it is logged, and the request may be retried"
            await _problem(500, "Internal server error", detail)(scope, receive, send)


def install_request_guards(app: Starlette, settings: Settings) -> None:
    """Added last, so they run first: the error guard outermost, then the limits, then everything else."""
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_upload_body_bytes=settings.max_upload_body_bytes,
    )
    app.add_middleware(UnexpectedErrors)
