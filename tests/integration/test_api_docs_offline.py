"""The API docs work without internet: /docs and /redoc load their scripts from this server, not a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_and_redoc_load_every_asset_from_this_server(anonymous_client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = anonymous_client.get(page)
        assert html.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
        assert assets, f"{page} names its scripts"
        for url in assets:
            assert url.startswith("/"), f"{page} loads {url} from outside this server"
            assert anonymous_client.get(url).status_code == 200, url
    assert anonymous_client.get("/openapi.json").json()["info"]["title"] == "Otklik"
