"""Liveness (/healthz: the process answers) and readiness (/readyz: it can do its work)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from otklik.services.operations import BrokerProbe, readiness
from otklik.web.dependencies import Ctx

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(ctx: Ctx) -> dict[str, object]:
    return {
        "status": "ok",
        "database": ctx.uow.ping(),
        "municipalities": len(ctx.reference.municipalities),
        "bus": ctx.settings.bus,
    }


class ReadinessBody(BaseModel):
    status: Literal["ready", "not ready"]
    not_ready: list[str]  # the checks that failed: database, broker, models
    checks: dict[str, str]  # each check: "ok", "not configured" (a broker without OTKLIK_BROKER_URL), "failed: …"


@router.get(
    "/readyz",
    response_model=ReadinessBody,
    responses={503: {"model": ReadinessBody, "description": "Something this process needs does not answer"}},
)
def readyz(request: Request, ctx: Ctx) -> JSONResponse:
    """200 when the database, the broker (if configured) and the understanding models answer; else 503."""
    probe: BrokerProbe | None = request.app.state.broker_probe
    result = readiness(ctx, probe)
    body = ReadinessBody(
        status="ready" if result.ready else "not ready", not_ready=result.not_ready, checks=result.checks
    )
    return JSONResponse(body.model_dump(), status_code=200 if result.ready else 503)
