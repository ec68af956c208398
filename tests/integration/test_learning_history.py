"""The system's history as training data: corrections and people's routing decisions are found; machine
decisions are not (the models must not learn from themselves)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.domain.learning import ROUTE_WEIGHT
from otklik.services.context import ServiceContext
from otklik.services.learning import training_history

pytestmark = pytest.mark.db


def _submit(client: TestClient, text: str) -> dict[str, object]:
    response = client.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Пётр"}})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_history_holds_what_people_decided(client: TestClient, ctx: ServiceContext) -> None:
    ctx.clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    machine = _submit(client, "Огромная яма на дороге по улице Советской в Шарье")
    corrected = _submit(client, "Во дворе на Мира в Буе третий день нет холодной воды")
    routed = _submit(client, "Разбита трасса Кострома — Шарья у поворота на Поназырево")
    assert training_history(ctx).examples == [] and training_history(ctx).routes == []

    fix = {"actor": "модератор", "group": "ЖКХ", "topic": "Плохое качество воды"}
    assert client.post(f"/api/v1/appeals/{corrected['id']}/corrections", json=fix).is_success
    url = f"/api/v1/appeals/{routed['id']}/transitions"
    if routed["status"] == "needs_moderation":
        assert client.post(url, json={"to": "assigned", "actor": "модератор", "agency_id": "transport"}).is_success
    else:
        assert client.post(url, json={"to": "redirected", "actor": "исполнитель", "agency_id": "transport"}).is_success
    assert client.post(
        f"/api/v1/appeals/{machine['id']}/transitions", json={"to": "in_progress", "actor": "исполнитель"}
    ).status_code in (200, 409)

    history = training_history(ctx)
    assert history.examples == [("Во дворе на Мира в Буе третий день нет холодной воды", "ЖКХ", "Плохое качество воды")]
    assert history.routes == [("Разбита трасса Кострома — Шарья у поворота на Поназырево", "transport", ROUTE_WEIGHT)]


def test_a_municipal_route_is_learned_as_the_place_administration(client: TestClient, ctx: ServiceContext) -> None:
    appeal = _submit(client, "Непонятно что случилось, помогите")
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    target = "adm-34705000"
    move = "assigned" if appeal["status"] == "needs_moderation" else "redirected"
    if move == "redirected" and (appeal.get("agency") or {}).get("id") == target:  # type: ignore[union-attr]
        target = "adm-34708000"
    assert client.post(url, json={"to": move, "actor": "модератор", "agency_id": target}).is_success
    assert [(text, label) for text, label, _ in training_history(ctx).routes] == [
        ("Непонятно что случилось, помогите", "@municipality")
    ]


def _route(client: TestClient, text: str, agency_id: str) -> None:
    appeal = _submit(client, text)
    move = "assigned" if appeal["status"] == "needs_moderation" else "redirected"
    response = client.post(
        f"/api/v1/appeals/{appeal['id']}/transitions", json={"to": move, "actor": "модератор", "agency_id": agency_id}
    )
    assert response.is_success, response.text


def test_older_routing_decisions_count_less(client: TestClient, ctx: ServiceContext) -> None:
    clock = FrozenClock(datetime(2025, 1, 10, 9, 0, tzinfo=UTC))
    ctx.clock = clock
    _route(client, "Шлагбаум во дворе сломан, не открывается", "transport")
    clock.advance(days=180)
    _route(client, "Шлагбаум во дворе опять сломан", "housing-inspection")
    clock.advance(days=180)

    weights = {label: weight for _, label, weight in training_history(ctx, half_life_days=180).routes}
    assert weights["housing-inspection"] == pytest.approx(ROUTE_WEIGHT / 2)
    assert weights["transport"] == pytest.approx(ROUTE_WEIGHT / 4)
