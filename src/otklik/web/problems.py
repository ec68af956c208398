"""Errors as RFC 9457 problem details (application/problem+json) with a reason a person can act on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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
        if any(item.get("type") == "json_invalid" for item in error.errors()):
            return problem(400, "Malformed JSON", "the request body is not valid JSON", instance=request.url.path)
        detail = "; ".join(f"{r['field']}: {r['reason']}" for r in reasons)
        return problem(422, "Invalid input", detail, instance=request.url.path, errors=reasons)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Headers such as WWW-Authenticate on a 401 belong to the answer too.
        return problem(
            error.status_code, str(error.detail), str(error.detail), instance=request.url.path, headers=error.headers
        )
