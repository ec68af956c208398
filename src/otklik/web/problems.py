"""Errors as RFC 9457 problem details (application/problem+json) with a reason a person can act on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from otklik.domain.errors import DomainError

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers) if headers else None)


def _validation_reasons(error: RequestValidationError) -> list[dict[str, Any]]:
    reasons = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        reasons.append({"field": location or "body", "reason": item.get("msg", "invalid")})
    return reasons


def _out_of_range_id(error: RequestValidationError) -> str | None:
    """An id in the path beyond what the column holds (`RowIdPath`) names a row that cannot exist: a 404, the same
    answer as for an id that merely happens to be unused."""
    items = error.errors()
    range_errors = {"greater_than_equal", "less_than_equal"}
    if items and all(item.get("loc", ("",))[0] == "path" and item.get("type") in range_errors for item in items):
        return ", ".join(f"{item['loc'][-1]} {item.get('input')}" for item in items)
    return None


def _flat(routes: Iterable[Any]) -> Iterator[Any]:
    """FastAPI keeps an included router as one entry (`effective_candidates` are its routes)."""
    for route in routes:
        candidates = getattr(route, "effective_candidates", None)
        if callable(candidates):
            yield from _flat(candidates())
        else:
            yield route


def _allowed_methods(request: Request) -> str:
    """Every method some route offers at this path: the router's own 405 names only the first route it met
    (POST for `/api/v1/appeals`, where GET exists too)."""
    methods: set[str] = set()
    probe = {key: value for key, value in request.scope.items() if key != "fastapi"}  # no route chosen yet
    for route in _flat(request.app.router.routes):
        match, _ = route.matches({**probe, "method": "__NONE__"})
        if match is Match.PARTIAL:
            original = getattr(route, "original_route", route)
            methods |= set(getattr(original, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        headers = {}
        if error.http_status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return problem(error.http_status, error.title, error.reason, instance=request.url.path, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        reasons = _validation_reasons(error)
        unknown = _out_of_range_id(error)
        if unknown is not None:
            return problem(404, "Not found", f"{unknown} does not exist", instance=request.url.path)
        if any(item.get("type") == "json_invalid" for item in error.errors()):
            return problem(400, "Malformed JSON", "the request body is not valid JSON", instance=request.url.path)
        detail = "; ".join(f"{r['field']}: {r['reason']}" for r in reasons)
        return problem(422, "Invalid input", detail, instance=request.url.path, errors=reasons)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Headers such as WWW-Authenticate on a 401 belong to the answer too.
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return problem(
            error.status_code, str(error.detail), str(error.detail), instance=request.url.path, headers=headers
        )
