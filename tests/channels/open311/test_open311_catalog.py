"""Open311 discovery, service list and service definitions in JSON and XML, and the spec's error format."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
BASE = "/open311/v2"


def xml_of(response_text: str) -> ET.Element:
    assert response_text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response_text.encode("utf-8"))


def test_discovery_json_and_xml(client: TestClient) -> None:
    as_json = client.get(f"{BASE}/discovery.json")
    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json; charset=utf-8"
    body = as_json.json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= body.keys()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["type"] in {"production", "test"}
    assert endpoint["url"].endswith("/open311/v2/")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}

    as_xml = client.get(f"{BASE}/discovery.xml")
    assert as_xml.headers["content-type"] == "text/xml; charset=utf-8"
    root = xml_of(as_xml.text)
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("contact") == body["contact"]


def test_services_list_the_active_topics_in_both_formats(client: TestClient, ctx: ServiceContext) -> None:
    active = list(ctx.reference.rubricator.active_topics())
    services = client.get(f"{BASE}/services.json").json()
    assert len(services) == len(active)
    first = services[0]
    assert set(first) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert first["metadata"] is True and first["type"] == "realtime"
    assert len({s["service_code"] for s in services}) == len(services), "codes are unique"
    root = xml_of(client.get(f"{BASE}/services.xml").text)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [s["service_code"] for s in services]
    assert root.find("service/metadata").text == "true"  # type: ignore[union-attr]


def test_service_codes_are_stable_between_calls(client: TestClient) -> None:
    first = [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    again = [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    assert first == again
    assert all(code.count("-") >= 1 and code.isascii() for code in first)


def test_jurisdiction(client: TestClient) -> None:
    assert client.get(f"{BASE}/services.json", params={"jurisdiction_id": "adm44.ru"}).status_code == 200
    assert client.get(f"{BASE}/services.json", params={"jurisdiction_id": ""}).status_code == 200  # empty = absent
    wrong = client.get(f"{BASE}/services.json", params={"jurisdiction_id": "sfgov.org"})
    assert wrong.status_code == 404
    assert wrong.json()[0]["code"] == 404 and "sfgov.org" in wrong.json()[0]["description"]


def test_service_definition(client: TestClient, pothole_code: str) -> None:
    definition = client.get(f"{BASE}/services/{pothole_code}.json").json()
    assert definition["service_code"] == pothole_code
    orders = [a["order"] for a in definition["attributes"]]
    assert orders == sorted(set(orders)) and min(orders) >= 1
    formal = next(a for a in definition["attributes"] if a["code"] == "formal")
    assert formal["datatype"] == "singlevaluelist" and {v["key"] for v in formal["values"]} == {"yes", "no"}

    root = xml_of(client.get(f"{BASE}/services/{pothole_code}.xml").text)
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == ["fixmystreet_id", "formal"]
    assert [v.findtext("name") for v in root.findall("attributes/attribute/values/value")] == ["Да", "Нет"]


def test_unknown_service_code_is_404_in_the_spec_error_format(client: TestClient) -> None:
    as_json = client.get(f"{BASE}/services/no-such-code.json")
    assert as_json.status_code == 404
    assert as_json.headers["content-type"] == "application/json; charset=utf-8"
    [error] = as_json.json()
    assert error["code"] == 404 and "no-such-code" in error["description"]

    as_xml = client.get(f"{BASE}/services/no-such-code.xml")
    assert as_xml.status_code == 404
    root = xml_of(as_xml.text)
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_unknown_paths_and_formats_answer_in_the_spec_format(client: TestClient) -> None:
    unknown = client.get(f"{BASE}/nothing-here.json")
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    assert xml_of(client.get(f"{BASE}/nothing-here").text).tag == "errors"
    html = client.get(f"{BASE}/services.html")
    assert html.status_code == 404 and xml_of(html.text).findtext("error/code") == "404"
