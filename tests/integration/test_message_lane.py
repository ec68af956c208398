"""The short way for POST /api/v1/messages (web/message_lane.py): a plainly fine message with a remembered token
is answered without the router and the dependency solver, exactly as the route answers it; anything else is
handed to the app, so each refusal is the route's own — the same answer as when the token is not remembered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from otklik.adapters.bus.broker import BrokerBus, build_broker
from otklik.services import staff
from otklik.services.context import ServiceContext
from otklik.web.app import create_app

pytestmark = pytest.mark.db

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"  # the bus only names it: the API process publishes nothing itself


def _message(external_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "channel": "vk",
        "external_id": external_id,
        "text": "В Шарье на улице Ленина, дом 5, третий день не вывозят мусор, контейнеры переполнены",
        "author": {"name": "Ирина", "id": "901"},
        "created_at": "2026-11-27T10:00:00+03:00",
        **changes,
    }


def _ways() -> dict[str, float]:
    return {
        way: REGISTRY.get_sample_value("otklik_message_lane_total", {"way": way}) or 0.0 for way in ("short", "app")
    }


def _timed() -> float:
    labels = {"method": "POST", "route": "/api/v1/messages"}
    return REGISTRY.get_sample_value("otklik_request_seconds_count", labels) or 0.0


@pytest.fixture(params=["broker", "embedded"])
def lane_client(
    request: pytest.FixtureRequest, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The API as `otklik serve` builds it with a broker (stores and answers `queued`) and without (decides first)."""
    if request.param == "broker":
        monkeypatch.setattr(ctx, "bus", BrokerBus(build_broker(RABBITMQ)))
    with TestClient(create_app(ctx), raise_server_exceptions=False) as test_client:
        yield test_client


def _gateway(ctx: ServiceContext, scopes: list[str]) -> dict[str, str]:
    token, _ = staff.create_token(ctx, "lane-gateway", scopes)
    return {"Authorization": f"Bearer {token}"}


def _comparable(response: Any) -> tuple[int, dict[str, Any], str, str | None]:
    body = response.json()
    for volatile in ("message_id", "appeal_id", "appeal_number"):
        body.pop(volatile, None)  # the second message of a pair is another message
    return response.status_code, body, response.headers["content-type"], response.headers.get("www-authenticate")


def test_a_fine_message_takes_the_short_way_and_is_answered_as_the_route_answers(
    ctx: ServiceContext, lane_client: TestClient
) -> None:
    headers = _gateway(ctx, ["messages:vk"])
    by_app = lane_client.post("/api/v1/messages", json=_message("lane-1"), headers=headers)  # the token is looked up
    before, timed = _ways(), _timed()
    short = lane_client.post("/api/v1/messages", json=_message("lane-2"), headers=headers)  # now remembered
    after = _ways()
    assert (after["short"] - before["short"], after["app"] - before["app"]) == (1, 0)
    assert _timed() == timed + 1, "the request time is recorded under the route, as for the app's answers"
    assert short.status_code == 202, short.text
    assert _comparable(short) == _comparable(by_app)
    assert short.headers["location"] == f"/api/v1/messages/{short.json()['message_id']}"
    assert short.json()["message_id"] != by_app.json()["message_id"]
    assert set(short.json()) == set(by_app.json()) == {"message_id", "decision", "appeal_id", "appeal_number", "reason"}
    stored = lane_client.get(short.headers["location"], headers=headers)
    assert stored.status_code == 200 and stored.json()["message_id"] == short.json()["message_id"]
    again = lane_client.post("/api/v1/messages", json=_message("lane-2"), headers=headers)  # a re-delivery
    assert again.status_code == 202 and again.json()["message_id"] == short.json()["message_id"]
    assert again.json()["decision"] == "duplicate"


REFUSED: list[tuple[str, Any, dict[str, str]]] = [
    # (what, the body as bytes or JSON, extra headers); the gateway may post VK only
    ("not JSON", b'{"channel": "vk", ', {"content-type": "application/json"}),
    ("a JSON array", b"[1, 2]", {"content-type": "application/json"}),
    ("a field missing", {"channel": "vk", "text": "яма", "created_at": "2026-11-27T10:00:00+03:00"}, {}),
    ("an unknown field", _message("lane-r", extra=1), {}),
    ("an unknown channel", _message("lane-r", channel="pigeon"), {}),
    ("a channel the token may not post", _message("lane-r", channel="email"), {}),
    ("lat without lon", _message("lane-r", lat=57.7), {}),
    ("a point outside the region", _message("lane-r", lat=55.75, lon=37.61), {}),
    ("a blank text", _message("lane-r", text="   "), {}),
    ("a time without a zone far ahead", _message("lane-r", created_at="2099-01-01T00:00:00"), {}),
]


@pytest.mark.parametrize(("what", "body", "extra"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_refused_message_is_answered_by_the_route_whether_or_not_the_token_is_remembered(
    ctx: ServiceContext, lane_client: TestClient, what: str, body: Any, extra: dict[str, str]
) -> None:
    headers = {**_gateway(ctx, ["messages:vk"]), **extra}
    send = {"content": body} if isinstance(body, bytes) else {"json": body}
    ctx.bearer_cache.clear()
    cold = lane_client.post("/api/v1/messages", headers=headers, **send)  # the app answers: the token is looked up
    before = _ways()
    warm = lane_client.post("/api/v1/messages", headers=headers, **send)  # remembered: the lane hands it on
    after = _ways()
    assert 400 <= cold.status_code < 500, (what, cold.text)
    assert (warm.status_code, warm.json()) == (cold.status_code, cold.json()), what
    assert (after["short"] - before["short"], after["app"] - before["app"]) == (0, 1), what
    with ctx.uow(readonly=True) as uow:
        assert uow.outbox.pending(10) == [], f"{what}: nothing is stored or announced"


@pytest.mark.parametrize(
    ("what", "changes", "expected"),
    [
        ("no token", {"Authorization": None}, 401),
        ("an unknown token", {"Authorization": "Bearer nonsense"}, 401),
        ("another scheme", {"Authorization": "Basic dm9yOm9u"}, 401),
        ("another content type", {"content-type": "text/plain"}, 422),
        ("a +json content type", {"content-type": "application/vnd.otklik+json"}, 202),
    ],
)
def test_what_the_lane_cannot_vouch_for_goes_to_the_app(
    ctx: ServiceContext, lane_client: TestClient, what: str, changes: dict[str, str | None], expected: int
) -> None:
    gateway = _gateway(ctx, ["messages:vk"])
    assert lane_client.post("/api/v1/messages", json=_message("lane-warm"), headers=gateway).status_code == 202
    sent = {**gateway, "content-type": "application/json", **changes}
    body = json.dumps(_message(f"lane-{what}"), ensure_ascii=False).encode()
    before = _ways()
    answer = lane_client.post(
        "/api/v1/messages", content=body, headers={k: v for k, v in sent.items() if v is not None}
    )
    after = _ways()
    assert (after["short"] - before["short"], after["app"] - before["app"]) == (0, 1), what
    assert answer.status_code == expected, (what, answer.text)
