"""The app factory: routers, problem handlers, metrics, and the channels' own endpoints."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from prometheus_client import make_asgi_app

from otklik import __version__
from otklik.adapters.broker_probe import AmqpProbe
from otklik.channels.discovery import channel_modules
from otklik.channels.portal import pages as portal_pages
from otklik.services.context import ServiceContext
from otklik.services.operations import BrokerProbe, queue_readings
from otklik.web.bearer_lookups import BearerLookups
from otklik.web.limits import install_request_guards
from otklik.web.message_lane import MessageLane
from otklik.web.metrics import metrics_registry
from otklik.web.openapi_contract import describe_problems
from otklik.web.problems import install_problem_handlers
from otklik.web.routers import (
    analytics,
    analytics_alerts,
    analytics_map,
    answers,
    appeals,
    auth,
    health,
    incidents,
    messages,
    moderation,
    open_data,
    pages,
    reference,
    reports,
)
from otklik.web.timing import RequestTiming
from otklik.web.ui import (
    screens_agency,
    screens_alerts,
    screens_analytics,
    screens_appeal,
    screens_home,
    screens_incidents,
    screens_map,
    screens_moderation,
    screens_review,
    sign_in,
)
from otklik.web.ui.errors import install_ui_error_pages
from otklik.web.ui.session import LoginRequired
from otklik.web.vendor import mount_vendor

STATIC_DIR = Path(__file__).parent / "static"


def channel_routers() -> list[APIRouter]:
    """Each channel folder may have a `routes` module with a `router`; found once at start-up."""
    return [module.router for module in channel_modules("routes")]


def _route(router: APIRouter, path: str, method: str) -> APIRoute:
    return next(r for r in router.routes if isinstance(r, APIRoute) and r.path == path and method in (r.methods or ()))


def create_app(ctx: ServiceContext) -> FastAPI:
    # /docs and /redoc from the package's own copies of Swagger UI and ReDoc: they work with no internet.
    app = FastAPIOffline(
        title="Otklik",
        version=__version__,
        description="Единая система обращений граждан Центра управления регионом",
        # Otklik's metrics are Prometheus (/metrics); FastAPI's OpenTelemetry hooks, idle without a provider, still
        # asked for the global providers on every request (≈ 2 % of the accept path's CPU, docs/ingestion.md).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.ctx = ctx
    app.state.bearer_lookups = BearerLookups()  # one database lookup per token at a time (web/bearer_lookups.py)
    broker: BrokerProbe | None = AmqpProbe(ctx.settings.broker_url) if ctx.settings.broker_url else None
    app.state.broker_probe = broker  # /readyz and /metrics ask the broker itself, not the bus
    install_problem_handlers(app)
    install_ui_error_pages(app)  # after the problem handlers: /ui pages get HTML, the rest problem+json
    for router in (
        health.router,
        reference.router,
        auth.router,
        messages.router,
        appeals.router,
        moderation.router,
        answers.router,
        incidents.router,
        pages.router,
        analytics_map.router,
        analytics_alerts.router,
        analytics.router,
        reports.router,
        open_data.router,
    ):
        app.include_router(router)
    app.include_router(sign_in.router)
    for screens in (
        screens_home,
        screens_moderation,
        screens_appeal,
        screens_agency,
        screens_review,
        screens_map,
        screens_alerts,
        screens_analytics,
        screens_incidents,
    ):
        app.include_router(screens.router)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="static")
    mount_vendor(app)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, error: LoginRequired) -> Response:
        return RedirectResponse(f"/ui/login?next={error.next_url}", status_code=303)

    for router in channel_routers():
        app.include_router(router)
    app.include_router(portal_pages.router)  # the citizens' pages at /portal/ (HTML over the portal API)
    # Open like /healthz: counts and ages only, nothing personal (docs/processes.md, «Operations»).
    app.mount("/metrics", make_asgi_app(registry=metrics_registry(lambda: queue_readings(ctx, broker))))

    app.add_middleware(MessageLane, route=_route(messages.router, "/api/v1/messages", "POST"))  # innermost of ours
    app.add_middleware(RequestTiming)  # pure ASGI: BaseHTTPMiddleware cost the accept path a seventh of its CPU
    install_request_guards(app, ctx.settings)  # outermost: body limits, unstorable text, bugs as a problem+json 500
    describe_problems(app)  # the OpenAPI lists every problem an endpoint can answer (web/openapi_contract.py)
    return app
