"""Liveness and readiness: the database answers and reference data is loaded."""

from __future__ import annotations

from fastapi import APIRouter

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
