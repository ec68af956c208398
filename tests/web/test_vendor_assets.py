"""The charting and map libraries are served from the npm packages installed by `make install` (no CDN)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from otklik.web.vendor import PACKAGES, node_modules


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/ui/vendor/chart.js/chart.umd.min.js", b"Chart"),
        ("/ui/vendor/leaflet/leaflet.js", b"Leaflet"),
        ("/ui/vendor/leaflet/leaflet.css", b".leaflet-"),
        ("/ui/vendor/leaflet.markercluster/leaflet.markercluster.js", b"MarkerCluster"),
    ],
)
def test_vendor_file_is_served(anonymous_client: TestClient, url: str, marker: bytes) -> None:
    response = anonymous_client.get(url)
    assert response.status_code == 200, url
    assert marker in response.content


def test_only_the_browser_builds_are_exposed(anonymous_client: TestClient) -> None:
    assert all(folder.endswith("/dist") for folder in PACKAGES.values())
    assert (node_modules() / "chart.js" / "package.json").is_file()
    assert anonymous_client.get("/ui/vendor/chart.js/../package.json").status_code == 404
