"""The system's history as training data: corrections and people's routing decisions are found; machine
decisions are not (the models must not learn from themselves)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from otklik.services.context import ServiceContext
from otklik.services.learning import training_history

pytestmark = pytest.mark.db


def _submit(client: TestClient, text: str) -> dict[str, object]:
    response = client.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Пётр"}})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_history_holds_what_people_decided(client: TestClient, ctx: ServiceContext) -> None:
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
    assert history.routes == [("Разбита трасса Кострома — Шарья у поворота на Поназырево", "transport")]


def test_a_municipal_route_is_learned_as_the_place_administration(client: TestClient, ctx: ServiceContext) -> None:
    appeal = _submit(client, "Непонятно что случилось, помогите")
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    target = "adm-34705000"
    move = "assigned" if appeal["status"] == "needs_moderation" else "redirected"
    if move == "redirected" and (appeal.get("agency") or {}).get("id") == target:  # type: ignore[union-attr]
        target = "adm-34708000"
    assert client.post(url, json={"to": move, "actor": "модератор", "agency_id": target}).is_success
    assert training_history(ctx).routes == [("Непонятно что случилось, помогите", "@municipality")]
