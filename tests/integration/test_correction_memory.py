"""A person's correction moves the next nearly identical message at once, before any retraining; the memory is
rebuilt from the database's history on start, and an unrelated message is left to the models."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from integration.people import route_by_hand, submit
from otklik.services.context import ServiceContext
from otklik.services.learning import load_correction_memory

pytestmark = pytest.mark.db

FIRST = "Возле рынка в Буе бабушки торгуют с земли овощами, весь тротуар занят"
AGAIN = "Возле рынка в Буе бабушки торгуют с земли овощами, весь тротуар занят!!!"
OTHER = "В Нерехтской ЦРБ нет хирурга уже месяц, записаться невозможно"


def _group(appeal: dict[str, Any]) -> str | None:
    return (appeal.get("category") or {}).get("group")


def _agency(appeal: dict[str, Any]) -> str | None:
    return (appeal.get("agency") or {}).get("id")


def _remembered(appeal: dict[str, Any]) -> list[str]:
    return [line for line in appeal["explanation"] if line.startswith("похоже на исправленное людьми обращение")]


def _pick_other(current: str | None, *choices: str) -> str:
    return next(c for c in choices if c != current)


def test_a_group_correction_moves_the_next_similar_message(client: TestClient) -> None:
    first = submit(client, FIRST)
    target = _pick_other(_group(first), "Торговля", "Благоустройство")
    fix = {"group": target, "topic": None}
    assert client.post(f"/api/v1/appeals/{first['id']}/corrections", json=fix).is_success

    again = submit(client, AGAIN)
    assert _group(again) == target
    assert f"группа «{target}»" in _remembered(again)[0]
    assert _group(submit(client, OTHER)) == "Здравоохранение/Медицина"  # a different text: the models decide


def test_a_redirect_moves_the_next_similar_message_to_the_chosen_body(client: TestClient) -> None:
    first = submit(client, FIRST)
    body = _pick_other(_agency(first), "economy", "rospotrebnadzor")
    route_by_hand(client, first, body)

    again = submit(client, AGAIN)
    assert _agency(again) == body
    assert _remembered(again)[-1].endswith(f"→ {again['agency']['name']}")
    assert _agency(submit(client, OTHER)) == "health"


def test_a_municipal_choice_follows_the_place_of_the_new_message(client: TestClient) -> None:
    first = submit(client, "Во дворе дома 4 на улице Мира в Галиче сломали качели, дети могут пораниться")
    target = "adm-34708000" if _agency(first) != "adm-34708000" else None
    if target is None:  # already the administration: a person confirms it by assigning elsewhere and back
        route_by_hand(client, first, "housing-inspection")
        first = client.get(f"/api/v1/appeals/{first['id']}").json()
        target = "adm-34708000"
    route_by_hand(client, first, target)

    in_buy = submit(client, "Во дворе дома 4 на улице Мира в Буе сломали качели, дети могут пораниться")
    assert _agency(in_buy) == "adm-34705000"  # «the administration of the place», not Галич's


def test_the_memory_is_rebuilt_from_the_history_on_start(client: TestClient, ctx: ServiceContext) -> None:
    first = submit(client, FIRST)
    body = _pick_other(_agency(first), "economy", "rospotrebnadzor")
    route_by_hand(client, first, body)
    memory = ctx.understanding.memory
    assert memory is not None
    memory.clear()
    assert _agency(submit(client, AGAIN)) != body or _agency(first) == body  # forgotten: the models decide

    assert load_correction_memory(ctx) >= 1
    assert _agency(submit(client, AGAIN + " Помогите")) == body
