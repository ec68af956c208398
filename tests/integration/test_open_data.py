"""Open data: public, anonymised week × municipality × group aggregates as CSV and JSON (docs/open-data.md).
Four appeals of one group in Шарья make a published cell; two in Галич are a small cell and must not appear;
nothing personal and no words of the appeals appear in either file."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.services.context import ServiceContext
from staff_support import GALICH, GALICH_ADMIN, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

MSK = ZoneInfo("Europe/Moscow")
SHARYA_TEXT = "Огромная яма у дома 17 на улице Советской в Шарье, машины бьют колёса, сосед Афанасий возмущён"
GALICH_TEXT = "Огромная яма у дома 3 на улице Луначарского в Галиче, бабушка Евлампия упала"
CITIZEN = {"name": "Пётр Сидоров", "phone": "+7 910 555-44-33", "email": "petr.sidorov@example.ru"}
FORBIDDEN = ("Пётр", "Сидоров", "555-44-33", "petr.sidorov", "Советской", "Луначарского", "Афанасий", "Евлампия")
PERIOD = {"from": "2026-11-23", "to": "2026-11-29"}
PROPER = "Яма на улице Советской заделана 24.11.2026 бригадой МУП «Шарьинское дорожное хозяйство» литым асфальтом."


def register(client: TestClient, text: str, agency_id: str) -> dict[str, Any]:
    created = client.post("/api/v1/appeals", json={"text": text, "citizen": CITIZEN})
    assert created.status_code == 201, created.text
    card = created.json()
    url = f"/api/v1/appeals/{card['id']}/transitions"
    if card["status"] != "needs_moderation":
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).status_code == 200
    moved = client.post(url, json={"to": "assigned", "agency_id": agency_id})
    assert moved.status_code == 200, moved.text
    return dict(moved.json())


@pytest.fixture
def groups(ctx: ServiceContext, client: TestClient, staff_team: StaffTeam) -> dict[str, str]:
    """Шарья: 4 appeals on Monday 23 November, 3 of them answered on Tuesday. Галич: 2 appeals."""
    ctx.clock = FrozenClock(datetime(2026, 11, 23, 10, tzinfo=MSK))
    sharya = [register(client, SHARYA_TEXT, SHARYA_ADMIN) for _ in range(4)]
    galich = [register(client, GALICH_TEXT, GALICH_ADMIN) for _ in range(2)]
    assert {c["municipality_id"] for c in sharya} == {SHARYA} and {c["municipality_id"] for c in galich} == {GALICH}
    ctx.clock = FrozenClock(datetime(2026, 11, 24, 12, tzinfo=MSK))
    for card in sharya[:3]:
        answered = client.post(f"/api/v1/appeals/{card['id']}/answers", json={"text": PROPER})
        assert answered.status_code == 201 and answered.json()["status"] == "published", answered.text
    ctx.clock = FrozenClock(datetime(2026, 12, 1, 12, tzinfo=MSK))
    return {"sharya": str(sharya[0]["category"]["group"]), "galich": str(galich[0]["category"]["group"])}


def test_json_publishes_the_big_cell_and_drops_the_small_one(
    anonymous_client: TestClient, groups: dict[str, str]
) -> None:
    response = anonymous_client.get("/api/v1/open-data/appeals.json", params=PERIOD)  # no identity: public data
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == {"from": "2026-11-23", "to": "2026-11-29"} and "fewer than 3" in body["suppression"]
    rows = body["rows"]
    sharya = [r for r in rows if r["municipality_id"] == SHARYA]
    assert len(sharya) == 1
    cell = sharya[0]
    assert cell["week_start"] == "2026-11-23" and cell["group"] == groups["sharya"] and cell["municipality"] == "Шарья"
    assert (cell["appeals"], cell["answered"], cell["answered_on_time"]) == (4, 3, 3)
    # Registered Mon 10:00, answered Tue 12:00: 7 working hours on Monday (10–13, 14–18) and 3 on Tuesday (9–12).
    assert cell["median_answer_hours"] == 10.0
    assert not [r for r in rows if r["municipality_id"] == GALICH]  # 2 appeals: a small cell
    assert all(r["appeals"] >= 3 for r in rows)
    for word in FORBIDDEN:
        assert word not in response.text


def test_csv_has_the_same_rows_and_no_personal_data(anonymous_client: TestClient, groups: dict[str, str]) -> None:
    response = anonymous_client.get("/api/v1/open-data/appeals.csv", params=PERIOD)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["municipality_id"], r["appeals"], r["answered_on_time"]) for r in rows] == [(SHARYA, "4", "3")]
    assert all(int(r["appeals"]) >= 3 for r in rows)
    for word in FORBIDDEN:
        assert word not in response.text


def test_a_bad_period_is_refused_with_the_reason(anonymous_client: TestClient) -> None:
    backwards = anonymous_client.get(
        "/api/v1/open-data/appeals.json", params={"from": "2026-11-29", "to": "2026-11-01"}
    )
    assert backwards.status_code == 422 and "after" in backwards.json()["detail"]
    long = anonymous_client.get("/api/v1/open-data/appeals.csv", params={"from": "2020-01-01", "to": "2026-11-01"})
    assert long.status_code == 422 and "366" in long.json()["detail"]
