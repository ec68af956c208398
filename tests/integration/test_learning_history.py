"""The system's history as training data: corrections and people's routing decisions are found; machine
decisions are not (the models must not learn from themselves)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from integration.people import route_by_hand, submit
from otklik.clock import FrozenClock
from otklik.domain.learning import ROUTE_WEIGHT
from otklik.services.context import ServiceContext
from otklik.services.learning import training_history

pytestmark = pytest.mark.db


def test_history_holds_what_people_decided(client: TestClient, ctx: ServiceContext) -> None:
    ctx.clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    machine = submit(client, "Огромная яма на дороге по улице Советской в Шарье")
    corrected = submit(client, "Во дворе на Мира в Буе третий день нет холодной воды")
    routed = submit(client, "Разбито покрытие у поворота на Поназырево")
    assert training_history(ctx).examples == [] and training_history(ctx).routes == []

    fix = {"group": "ЖКХ", "topic": "Плохое качество воды"}
    assert client.post(f"/api/v1/appeals/{corrected['id']}/corrections", json=fix).is_success
    route_by_hand(client, routed, "transport")
    assert client.post(f"/api/v1/appeals/{machine['id']}/transitions", json={"to": "in_progress"}).status_code in (
        200,
        409,
    )

    history = training_history(ctx)
    assert history.examples == [("Во дворе на Мира в Буе третий день нет холодной воды", "ЖКХ", "Плохое качество воды")]
    assert history.routes == [("Разбито покрытие у поворота на Поназырево", "transport", ROUTE_WEIGHT)]


def test_a_municipal_route_is_learned_as_the_place_administration(client: TestClient, ctx: ServiceContext) -> None:
    appeal = submit(client, "Непонятно что случилось, помогите")
    target = "adm-34705000"
    if (appeal.get("agency") or {}).get("id") == target:  # type: ignore[union-attr]
        target = "adm-34708000"  # already there: a redirect needs another body
    route_by_hand(client, appeal, target)
    assert [(text, label) for text, label, _ in training_history(ctx).routes] == [
        ("Непонятно что случилось, помогите", "@municipality")
    ]


def test_older_routing_decisions_count_less(client: TestClient, ctx: ServiceContext) -> None:
    clock = FrozenClock(datetime(2025, 1, 10, 9, 0, tzinfo=UTC))
    ctx.clock = clock
    route_by_hand(client, submit(client, "Шлагбаум во дворе сломан, не открывается"), "transport")
    clock.advance(days=180)
    route_by_hand(client, submit(client, "Шлагбаум во дворе опять сломан"), "housing-inspection")
    clock.advance(days=180)

    weights = {label: weight for _, label, weight in training_history(ctx, half_life_days=180).routes}
    assert weights["housing-inspection"] == pytest.approx(ROUTE_WEIGHT / 2)
    assert weights["transport"] == pytest.approx(ROUTE_WEIGHT / 4)
