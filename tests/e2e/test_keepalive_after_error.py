"""After an unexpected error the kept-alive connection still works (issue 12): the 500 is a problem+json answer,
not an exception thrown at the server, which would close the connection under the client's next request."""

from __future__ import annotations

import httpx
import pytest

from channels.loopback import serve
from otklik.services.context import ServiceContext
from otklik.web.app import create_app

pytestmark = pytest.mark.db


def test_a_500_leaves_the_connection_usable(ctx: ServiceContext) -> None:
    app = create_app(ctx)

    @app.get("/test-only/boom")  # this test's own app instance: the product has no such route
    def boom() -> None:
        raise RuntimeError("a bug, on purpose")

    connections: list[object] = []
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:

        def remember(response: httpx.Response) -> None:
            connections.append(response.extensions.get("network_stream"))

        client.event_hooks["response"] = [remember]
        failed = client.get("/test-only/boom")
        assert failed.status_code == 500
        assert failed.headers["content-type"].startswith("application/problem+json")
        assert "a bug" not in failed.text  # the reason stays in the log, not in the answer
        after = client.get("/healthz")
        assert after.status_code == 200
        assert connections[0] is connections[1]  # the same TCP connection carried both
