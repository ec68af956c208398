"""Interop: the PyPI `georeport` client reads our Open311 server over real HTTP, in JSON and in XML."""

from __future__ import annotations

import httpx
import pytest
from georeport import GeoReport
from open311_support import API_KEY, KOSTROMA

pytestmark = pytest.mark.db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_our_server(live_server: str, pothole_code: str, fmt: str) -> None:
    form = {"api_key": API_KEY, "service_code": pothole_code, "description": "Яма во дворе в Костроме", **KOSTROMA}
    created = httpx.post(f"{live_server}/open311/v2/requests.json", data=form, timeout=30)
    assert created.status_code == 200, created.text
    number = created.json()[0]["service_request_id"]

    client = GeoReport(f"{live_server}/open311/v2/", jurisdiction="adm44.ru", output_format=fmt)
    services = client.get_service_list()
    assert pothole_code in [s["service_code"] for s in services]
    definition = client.get_service_definition(pothole_code)
    assert definition["service_code"] == pothole_code
    found = client.get_service_requests(service_request_id=number)
    found_list = found if isinstance(found, list) else [found]  # xmltodict gives a dict for a single element
    assert [r["service_request_id"] for r in found_list] == [number]
    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"
    assert client.get_service_requests(status="open", service_code=pothole_code)
