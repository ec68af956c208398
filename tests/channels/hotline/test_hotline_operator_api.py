"""The operator API of the hotline and 112 on a real database: one call, one appeal, however often it is sent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from otklik.services import staff
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db

CALL = {
    "caller_name": "Иван Петров",
    "phone": "+7 910 111-22-33",
    "text": "Не горят фонари во дворе на улице Советской в Галиче, очень темно вечером",
    "address": "Галич, ул. Советская, 5",
    "call_time": "2026-11-28T09:15:00",
    "card_id": "HL-0001",
}
URL = "/api/v1/channels/hotline/calls"
KEY = "s3cret-key"


@pytest.fixture(autouse=True)
def operator_key(ctx: ServiceContext, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operators' system holds the configured key; tests of a missing key remove it."""
    monkeypatch.setattr(ctx, "settings", ctx.settings.model_copy(update={"api_key": SecretStr(KEY)}))
    client.headers["X-Api-Key"] = KEY


def test_a_call_becomes_one_appeal_even_when_entered_twice(client: TestClient) -> None:
    first = client.post(URL, json=CALL)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["decision"] == "registered" and body["appeal_number"].startswith("44-")
    again = client.post(URL, json=CALL)
    assert again.status_code == 200, again.text
    assert again.json()["decision"] == "duplicate" and again.json()["appeal_id"] == body["appeal_id"]
    assert client.get("/api/v1/appeals").json()["total"] == 1
    appeal = client.get(f"/api/v1/appeals/{body['appeal_id']}").json()
    assert appeal["channel"] == "hotline"
    assert appeal["deliveries"] == [], "a phone call has no return path: the operator calls back"


def test_a_card_without_id_is_recognised_by_its_content(client: TestClient) -> None:
    call = {key: value for key, value in CALL.items() if key != "card_id"}
    first = client.post(URL, json=call).json()
    again = client.post(URL, json=call)
    assert again.status_code == 200 and again.json()["appeal_id"] == first["appeal_id"]


def test_112_line_is_its_own_channel(client: TestClient) -> None:
    body = client.post(URL, json=dict(CALL, line="112", card_id="112-77")).json()
    assert client.get(f"/api/v1/appeals/{body['appeal_id']}").json()["channel"] == "112"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"text": "   "}, "text is empty"),
        ({"phone": "+7 9"}, "is not a phone number"),
        ({"line": "911"}, "line"),
        ({"call_time": "вчера"}, "call_time"),
    ],
)
def test_bad_calls_are_refused_with_a_reason(client: TestClient, change: dict[str, str], reason: str) -> None:
    response = client.post(URL, json=dict(CALL, **change))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert reason in response.json()["detail"]


def test_api_key_is_required(anonymous_client: TestClient) -> None:
    missing = anonymous_client.post(URL, json=CALL)
    assert missing.status_code == 401 and missing.headers["content-type"].startswith("application/problem+json")
    assert anonymous_client.post(URL, json=CALL, headers={"X-Api-Key": "wrong"}).status_code == 401
    assert KEY not in missing.text
    assert anonymous_client.post(URL, json=CALL, headers={"X-Api-Key": KEY}).status_code == 201


def test_closed_when_no_key_is_configured(
    anonymous_client: TestClient, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ctx, "settings", ctx.settings.model_copy(update={"api_key": None}))
    refused = anonymous_client.post(URL, json=CALL)
    assert refused.status_code == 401 and "closed" in refused.json()["detail"]
    assert anonymous_client.post(URL, json=CALL, headers={"X-Api-Key": ""}).status_code == 401
    assert anonymous_client.get("/api/v1/reference/municipalities").status_code == 200


def test_an_integration_token_with_the_hotline_scope_is_a_key(
    anonymous_client: TestClient, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ctx, "settings", ctx.settings.model_copy(update={"api_key": None}))
    hotline, _ = staff.create_token(ctx, "pbx-112", ["hotline"])
    vk_only, _ = staff.create_token(ctx, "vk-gw", ["messages:vk"])
    assert anonymous_client.post(URL, json=CALL, headers={"Authorization": f"Bearer {vk_only}"}).status_code == 401
    accepted = anonymous_client.post(URL, json=CALL, headers={"Authorization": f"Bearer {hotline}"})
    assert accepted.status_code == 201, accepted.text
