"""FastAPI dependencies: the service context the app was built with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from otklik.services.context import ServiceContext


async def service_context(request: Request) -> ServiceContext:
    # async: a sync dependency costs every request a trip to the thread pool, for reading an attribute.
    ctx: ServiceContext = request.app.state.ctx
    return ctx


Ctx = Annotated[ServiceContext, Depends(service_context)]
