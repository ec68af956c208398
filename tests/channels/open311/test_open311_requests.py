"""Open311 POST requests (api_key, validation, duplicates), GET requests with filters, one request, tokens."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from open311_support import API_KEY, post_request

from otklik.domain.access import SYSTEM
from otklik.services import appeals as appeal_service
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
BASE = "/open311/v2"


def appeal_count(client: TestClient) -> int:
    return int(client.get("/api/v1/appeals").json()["total"])


def test_post_registers_an_appeal_and_tells_the_number_and_due_time(client: TestClient, pothole_code: str) -> None:
    response = post_request(client, pothole_code, account_id="acc-7")
    assert response.status_code == 200, response.text
    [item] = response.json()
    number = item["service_request_id"]
    assert number.startswith("44-") and "token" not in item
    assert number in item["service_notice"] and "Ответ ожидается до" in item["service_notice"]
    assert item["account_id"] == "acc-7"
    appeal = client.get("/api/v1/appeals", params={"q": number}).json()["items"][0]
    assert appeal["channel"] == "open311" and appeal["number"] == number


def test_post_in_xml(client: TestClient, pothole_code: str) -> None:
    response = post_request(client, pothole_code, fmt="xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id", "").startswith("44-")


@pytest.mark.parametrize(("key", "fmt"), [(None, "json"), ("wrong-key", "json"), ("wrong-key", "xml")])
def test_post_without_a_valid_key_is_403(client: TestClient, pothole_code: str, key: str | None, fmt: str) -> None:
    response = post_request(client, pothole_code, fmt=fmt, api_key=key)
    assert response.status_code == 403
    if fmt == "json":
        assert response.json() == [{"code": 403, "description": response.json()[0]["description"]}]
    else:
        assert ET.fromstring(response.content).findtext("error/code") == "403"
    assert API_KEY not in response.text
    assert appeal_count(client) == 0


def test_per_client_keys(
    client: TestClient, pothole_code: str, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otklik.channels.open311.settings import load_open311_settings

    monkeypatch.setenv("OTKLIK_OPEN311_CLIENT_KEYS", '{"fixmystreet": "fms-secret"}')
    load_open311_settings.cache_clear()
    assert post_request(client, pothole_code, api_key="fms-secret").status_code == 200
    assert post_request(client, pothole_code).status_code == 200  # the general key still works


@pytest.mark.parametrize(
    ("fields", "status", "fragment"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "no-such"}, 404, "no-such"),
        ({"lat": None, "long": None}, 400, "место"),
        ({"long": None}, 400, "вместе"),
        ({"lat": "север"}, 400, "числами"),
        ({"lat": "55.75", "long": "37.61"}, 400, "outside Kostroma Oblast"),
        ({"description": "я" * 4001}, 400, "4000"),
        ({"attribute[formal]": "maybe"}, 400, "formal"),
        ({"jurisdiction_id": "sfgov.org"}, 404, "sfgov.org"),
    ],
)
def test_post_errors(
    client: TestClient, pothole_code: str, fields: dict[str, str | None], status: int, fragment: str
) -> None:
    response = post_request(client, pothole_code, **fields)
    assert response.status_code == status, response.text
    [error] = response.json()
    assert error["code"] == status and fragment in error["description"]
    assert appeal_count(client) == 0


def test_address_alone_is_a_location(client: TestClient, pothole_code: str) -> None:
    response = post_request(client, pothole_code, lat=None, long=None, address_string="Кострома, ул. Советская, 5")
    assert response.status_code == 200, response.text


def test_same_client_request_id_twice_is_one_appeal(client: TestClient, pothole_code: str) -> None:
    first = post_request(client, pothole_code, **{"attribute[fixmystreet_id]": "fms-101"}).json()[0]
    again = post_request(client, pothole_code, **{"attribute[fixmystreet_id]": "fms-101"}).json()[0]
    assert first["service_request_id"] == again["service_request_id"]
    assert appeal_count(client) == 1
    other = post_request(client, pothole_code, **{"attribute[fixmystreet_id]": "fms-102"}).json()[0]
    assert other["service_request_id"] != first["service_request_id"]


def test_idempotency_header_twice_is_one_appeal(client: TestClient, pothole_code: str) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = post_request(client, pothole_code, headers=headers).json()[0]
    again = post_request(client, pothole_code, headers=headers).json()[0]
    assert first["service_request_id"] == again["service_request_id"]
    assert appeal_count(client) == 1


def test_get_requests_fields_in_json_and_xml(client: TestClient, pothole_code: str) -> None:
    number = post_request(client, pothole_code, media_url="https://example.org/pothole.jpg").json()[0][
        "service_request_id"
    ]
    [item] = client.get(f"{BASE}/requests.json").json()
    assert item["service_request_id"] == number and item["status"] == "open"
    for field in ("service_name", "service_code", "description", "requested_datetime", "updated_datetime", "lat"):
        assert item[field] not in (None, ""), field
    assert item["requested_datetime"].endswith("+03:00")
    assert item["media_url"] == "https://example.org/pothole.jpg"
    assert "anna@example.org" not in client.get(f"{BASE}/requests.json").text
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [number]
    assert root.findtext("request/long") == str(item["long"])
    one = client.get(f"{BASE}/requests/{number}.json").json()
    assert one == [item]
    one_xml = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml").content)
    assert one_xml.findtext("request/service_request_id") == number


def test_get_one_unknown_is_404(client: TestClient) -> None:
    response = client.get(f"{BASE}/requests/44-2026-999999.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    assert ET.fromstring(client.get(f"{BASE}/requests/44-2026-999999.xml").content).tag == "errors"


def test_requests_of_other_channels_are_not_published(client: TestClient) -> None:
    portal = {"text": "Яма во дворе на улице Советской в Костроме", "citizen": {"name": "Иван Петров"}}
    number = client.post("/api/v1/appeals", json=portal).json()["number"]
    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{number}.json").status_code == 404


def test_filters(client: TestClient, ctx: ServiceContext, pothole_code: str) -> None:
    first = post_request(client, pothole_code).json()[0]["service_request_id"]
    second = post_request(client, pothole_code).json()[0]["service_request_id"]
    appeal_id = client.get("/api/v1/appeals", params={"q": second}).json()["items"][0]["id"]
    appeal_service.add_reply(ctx, SYSTEM, appeal_id, kind=appeal_service.ReplyKind.FINAL, text="Яма заделана.")

    def ids(**params: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params=params)
        assert response.status_code == 200, response.text
        return sorted(r["service_request_id"] for r in response.json())

    assert ids(status="open") == [first]
    assert ids(status="closed") == [second]
    assert ids(status="open,closed") == sorted([first, second])
    closed = client.get(f"{BASE}/requests/{second}.json").json()[0]
    assert closed["status"] == "closed" and closed["status_notes"] == "Яма заделана."
    assert ids(service_request_id=f"{first},{second}", status="open") == sorted([first, second])  # overrides
    now = datetime.now(UTC)
    assert ids(start_date=(now - timedelta(hours=1)).isoformat()) == sorted([first, second])
    assert ids(end_date=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")) == []
    topic_code = client.get(f"{BASE}/requests/{first}.json").json()[0]["service_code"]
    assert first in ids(service_code=topic_code)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "вчера"}, "W3C"),
        ({"start_date": "2026-01-01T00:00:00"}, "часовой пояс"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "раньше"),
        ({"status": "pending"}, "pending"),
    ],
)
def test_get_requests_errors(client: TestClient, params: dict[str, str], fragment: str) -> None:
    response = client.get(f"{BASE}/requests.json", params=params)
    assert response.status_code == 400
    assert fragment in response.json()[0]["description"]


def test_unknown_service_code_filter_is_404(client: TestClient) -> None:
    assert client.get(f"{BASE}/requests.xml", params={"service_code": "nope"}).status_code == 404


def test_xml_escapes_what_people_type(client: TestClient, pothole_code: str) -> None:
    address = 'Кострома, ул. "Мира" <корп. 2> & двор\x01'
    post_request(client, pothole_code, address_string=address)
    response = client.get(f"{BASE}/requests.xml")
    root = ET.fromstring(response.content)  # parses: escaped, and the control character is dropped
    assert root.findtext("request/address") == address.replace("\x01", "")
    assert "&lt;корп. 2&gt; &amp; двор" in response.text


def test_tokens(client: TestClient, ctx: ServiceContext, pothole_code: str) -> None:
    number = post_request(client, pothole_code).json()[0]["service_request_id"]
    with ctx.uow(readonly=True) as uow:
        appeal = uow.appeals.get_by_number(number)
        assert appeal is not None
        token = str(appeal.message_id)
    assert client.get(f"{BASE}/tokens/{token}.json").json() == [{"service_request_id": number, "token": token}]
    root = ET.fromstring(client.get(f"{BASE}/tokens/{token}.xml").content)
    assert root.findtext("request/service_request_id") == number and root.findtext("request/token") == token
    assert client.get(f"{BASE}/tokens/999999.json").status_code == 404
    assert client.get(f"{BASE}/tokens/abc.xml").status_code == 404
