"""The appeal list's total: exact up to the cap, then «more than» with `total_capped`; a dashboard drill-down
always exact. The cap is lowered for the test (a region's million is not built here): the rule is the same."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from integration.test_auth import ui_sign_in
from otklik.adapters.db.repositories import appeal_pages
from otklik.domain.calendar import MOSCOW
from otklik.services.context import ServiceContext
from staff_support import StaffTeam

pytestmark = pytest.mark.db

CAP = 5
TEXTS = (
    "В Шарье на улице Ленина лопнула труба, вода течёт по дороге",
    "В Шарье на улице Вокзальной огромная яма, машины бьют колёса",
    "В Шарье на улице Гагарина не горят фонари, темно",
    "В Шарье на улице Мира не вывозят мусор с площадки",
    "В Шарье на улице Свободы течёт крыша, подъезд заливает",
    "В Галиче на улице Ленина лопнула труба, вода течёт по дороге",
    "В Галиче на улице Советской огромная яма во дворе",
    "В Галиче на улице Мира не горят фонари уличного освещения",
)


@pytest.fixture
def eight(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setattr(appeal_pages, "COUNT_CAP", CAP)
    found = []
    for text in TEXTS:
        response = client.post("/api/v1/appeals", json={"text": text, "channel": "portal", "citizen": {"name": "Н"}})
        assert response.status_code == 201, response.text
        found.append(response.json())
    return found


def _page(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/appeals", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_list_above_the_cap_says_more_than(client: TestClient, eight: list[dict[str, Any]]) -> None:
    page = _page(client, per_page=2)
    assert (page["total"], page["total_capped"]) == (CAP, True)
    assert len(page["items"]) == 2 and page["next_cursor"]


def test_a_list_within_the_cap_is_exact(client: TestClient, eight: list[dict[str, Any]]) -> None:
    galich = eight[-1]["municipality_id"]
    assert galich != eight[0]["municipality_id"]
    page = _page(client, municipality=galich)
    assert (page["total"], page["total_capped"]) == (3, False)
    at_the_cap = _page(client, q="Шарье")  # five appeals name Шарья: exactly the cap is still exact
    assert (at_the_cap["total"], at_the_cap["total_capped"]) == (CAP, False)


def test_a_word_search_counts_up_to_its_own_cap_and_still_lists_every_hit(
    client: TestClient, eight: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(appeal_pages, "SEARCH_COUNT_CAP", 3)
    sharya = {row["id"] for row in eight if "Шарье" in row["text"]}
    assert len(sharya) == 5
    for sort in ("relevance", "date"):
        page = _page(client, q="Шарье", sort=sort, per_page=50)
        assert (page["total"], page["total_capped"]) == (3, True), sort
        assert {item["id"] for item in page["items"]} == sharya, "a capped total does not shorten the list"
    galich = _page(client, q="Галиче")
    assert (galich["total"], galich["total_capped"]) == (3, False), "exactly the search's cap is still exact"


def test_a_dashboard_drilldown_is_exact_above_the_cap(client: TestClient, eight: list[dict[str, Any]]) -> None:
    # The period's days are the region's (Moscow time), not UTC's: after 21:00 UTC the UTC date is the day before.
    day = datetime.fromisoformat(eight[0]["created_at"]).astimezone(MOSCOW).date().isoformat()
    page = _page(client, **{"from": day, "to": day}, per_page=2)
    assert (page["total"], page["total_capped"]) == (len(TEXTS), False)


def test_the_overview_says_more_than_when_capped(
    ctx: ServiceContext, eight: list[dict[str, Any]], anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    staff_team.headers("admin")
    assert ui_sign_in(anonymous_client, "admin").status_code == 303
    html = anonymous_client.get("/ui/overview").text
    shown = re.search(r'data-testid="overview-total">([^<]*)<', html)
    assert shown is not None and shown.group(1) == f"больше {CAP}"


def test_the_overview_is_exact_below_the_cap(
    ctx: ServiceContext, client: TestClient, anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    response = client.post("/api/v1/appeals", json={"text": TEXTS[0], "channel": "portal", "citizen": {"name": "Н"}})
    assert response.status_code == 201
    assert ui_sign_in(anonymous_client, "admin").status_code == 303
    shown = re.search(r'data-testid="overview-total">([^<]*)<', anonymous_client.get("/ui/overview").text)
    assert shown is not None and shown.group(1) == "1"
