"""Request time by route for Prometheus, as a pure ASGI middleware.

Starlette's `@app.middleware("http")` (BaseHTTPMiddleware) runs the rest of the app in a task of its own with
memory streams between: on the message accept path that was about a seventh of the API process's CPU
(docs/ingestion.md). This one only wraps the call."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from otklik.observability import REQUEST_SECONDS


class RequestTiming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            # The router records the matched route in the same scope dict on its way in.
            route = getattr(scope.get("route"), "path", "unmatched")
            REQUEST_SECONDS.labels(scope["method"], route).observe(time.perf_counter() - started)
