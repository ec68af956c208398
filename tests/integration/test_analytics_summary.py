"""The dashboard's summary and the league table over HTTP on a real database, against appeals this test creates
with known timings. Expected figures are worked out here from the scenario (working hours counted by hand on
the 2026 production calendar: 3 November is a shortened pre-holiday day, 4 November a holiday), never read from
the product. Scope follows ../shared/docs/roles.md: dashboards «admin, regional moderator, analyst — everything;
district moderator — own district; executor and agency head — own body; citizens and tokens — nothing»."""

from __future__ import annotations

import json
from dataclasses import dataclass
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
SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
GALICH_TEXT = "Не горят фонари во дворе на улице Советской в Галиче, темно"
PROPER = "Яма на улице Советской заделана 12.03.2026 бригадой МУП «Шарьинское дорожное хозяйство» литым асфальтом."
CITIZEN = {"name": "Пётр Сидоров", "phone": "+7 910 555-44-33", "email": "petr.sidorov@example.ru"}
PERIOD = {"from": "2026-11-01", "to": "2026-12-01"}


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=MSK)


@dataclass
class Scenario:
    ids: dict[str, int]
    by_machine: dict[str, bool]  # the registration answer said «assigned»: the machine routed it alone
    cards: dict[str, dict[str, Any]]  # as they stand at the end (for their deadlines)
    now: datetime


def register(client: TestClient, text: str, agency_id: str) -> tuple[int, bool]:
    created = client.post("/api/v1/appeals", json={"text": text, "citizen": CITIZEN})
    assert created.status_code == 201, created.text
    card = created.json()
    by_machine = card["status"] == "assigned"
    url = f"/api/v1/appeals/{card['id']}/transitions"
    if card["status"] != "needs_moderation":
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).status_code == 200
    moved = client.post(url, json={"to": "assigned", "agency_id": agency_id})
    assert moved.status_code == 200, moved.text
    return int(card["id"]), by_machine


def final(client: TestClient, appeal_id: int) -> None:
    response = client.post(f"/api/v1/appeals/{appeal_id}/answers", json={"text": PROPER})
    assert response.status_code == 201 and response.json()["status"] == "published", response.text


def rate(client: TestClient, appeal_id: int, score: int, solved: bool) -> None:
    response = client.post(f"/api/v1/appeals/{appeal_id}/ratings", json={"score": score, "solved": solved})
    assert response.status_code == 201, response.text


@pytest.fixture
def scenario(ctx: ServiceContext, client: TestClient) -> Scenario:
    """A, B, C, E in Шарья, D in Галич, all registered on Monday 2 November 2026 at 10:00.

    A: interim answer 12:00 (2 working hours), final Thu 5 Nov 12:00 (7 + 7 shortened + holiday + 3 = 17), rated 5.
    B: final Mon 30 Nov 10:00, past its 10 working days: 7 + 7 + 16 + 3 × 40 + 1 = 151 hours, first response too.
    E: final Tue 3 Nov 11:00 (9 h), «не решено» → reopened, final again Fri 6 Nov 10:00 (7+7+8+1 = 23 h), rated 4.
    C: redirected by the administrator to the regional road body, still open; D: Галич, open."""
    clock = FrozenClock(at(2, 10))
    ctx.clock = clock
    ids, machine = {}, {}
    for key, text, agency in (
        ("A", SHARYA_TEXT, SHARYA_ADMIN),
        ("B", SHARYA_TEXT, SHARYA_ADMIN),
        ("C", SHARYA_TEXT, SHARYA_ADMIN),
        ("E", SHARYA_TEXT, SHARYA_ADMIN),
        ("D", GALICH_TEXT, GALICH_ADMIN),
    ):
        ids[key], machine[key] = register(client, text, agency)
    clock.advance(hours=2)  # 12:00
    interim = client.post(f"/api/v1/appeals/{ids['A']}/replies", json={"kind": "interim", "text": "Принято в работу"})
    assert interim.status_code == 201, interim.text
    redirect = {"to": "redirected", "agency_id": "transport", "reason": "региональная дорога"}
    assert client.post(f"/api/v1/appeals/{ids['C']}/transitions", json=redirect).status_code == 200
    ctx.clock = clock = FrozenClock(at(3, 11))
    final(client, ids["E"])
    rate(client, ids["E"], 2, False)  # within the reopen window: back to work
    ctx.clock = clock = FrozenClock(at(5, 12))
    final(client, ids["A"])
    rate(client, ids["A"], 5, True)
    ctx.clock = clock = FrozenClock(at(6, 10))
    final(client, ids["E"])
    rate(client, ids["E"], 4, True)
    ctx.clock = clock = FrozenClock(at(30, 10))
    final(client, ids["B"])
    ctx.clock = FrozenClock(at(1, 12, month=12))
    cards = {key: client.get(f"/api/v1/appeals/{appeal_id}").json() for key, appeal_id in ids.items()}
    return Scenario(ids, machine, cards, at(1, 12, month=12))


def summary(client: TestClient, headers: dict[str, str] | None = None, **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/analytics/summary", params={**PERIOD, **params}, headers=headers or {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def listed(client: TestClient, figure: dict[str, Any], headers: dict[str, str] | None = None) -> int:
    """The drill-down: the appeals list the figure points to, and its total."""
    response = client.get(figure["api"], headers=headers or {})
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def bar(bars: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(b for b in bars if b["key"] == key)


def due_passed(card: dict[str, Any], now: datetime) -> bool:
    return card["due_at"] is not None and datetime.fromisoformat(card["due_at"]) < now


def test_the_center_s_figures_follow_the_scenario(client: TestClient, scenario: Scenario) -> None:
    found = summary(client)
    assert found["total"]["value"] == 5
    # Final answers with a deadline: A, B, E; on time those answered by their deadline (B's 10 working days passed).
    cards = scenario.cards
    on_time = [
        k
        for k in "ABE"
        if datetime.fromisoformat(cards[k]["resolved_at"]) <= datetime.fromisoformat(cards[k]["due_at"])
    ]
    assert sorted(on_time) == ["A", "E"]
    assert (found["on_time"]["part"]["value"], found["on_time"]["whole"]["value"]) == (2, 3)
    # First responses: A 2 h (interim), E 9 h (its first final answer), B 151 h → median 9, p90 9 + 0.8·142.
    assert found["first_response"]["measured"]["value"] == 3
    assert found["first_response"]["median_hours"] == pytest.approx(9.0)
    assert found["first_response"]["p90_hours"] == pytest.approx(122.6)
    # Final answers: A 17, E 23 (measured again from registration after the reopen), B 151.
    assert found["final_answer"]["median_hours"] == pytest.approx(23.0)
    assert found["final_answer"]["p90_hours"] == pytest.approx(23 + 0.8 * 128)
    # Latest ratings 5 and 4, both «решено»; one of the three answered appeals was reopened.
    assert found["satisfaction"]["average_score"] == pytest.approx(4.5)
    assert (found["satisfaction"]["solved"]["part"]["value"], found["satisfaction"]["solved"]["whole"]["value"]) == (
        2,
        2,
    )
    assert (found["reopen_rate"]["part"]["value"], found["reopen_rate"]["whole"]["value"]) == (1, 3)
    assert (found["redirect_rate"]["part"]["value"], found["redirect_rate"]["whole"]["value"]) == (1, 5)
    machine = [k for k, v in scenario.by_machine.items() if v]
    assert found["machine_routed"]["part"]["value"] == len(machine)
    assert found["machine_corrected"]["part"]["value"] == int("C" in machine)  # C was redirected by a person
    # Volumes: all on one day, in Шарья 4 and Галич 1, all from the portal.
    days = {b["key"]: b["count"]["value"] for b in found["volumes"]["by_period"]}
    assert found["volumes"]["bucket"] == "day" and len(days) == 31 and days["2026-11-02"] == 5
    assert sum(days.values()) == 5
    assert bar(found["volumes"]["by_municipality"], SHARYA)["count"]["value"] == 4
    assert bar(found["volumes"]["by_municipality"], GALICH)["count"]["value"] == 1
    assert bar(found["volumes"]["by_channel"], "portal")["count"]["value"] == 5
    assert bar(found["volumes"]["by_agency"], SHARYA_ADMIN)["count"]["value"] == 3
    # Backlog: C (at the road body) and D are open; overdue those whose deadline has passed.
    backlog = {row["agency_id"]: row for row in found["backlog"]}
    assert set(backlog) == {"transport", GALICH_ADMIN}
    assert backlog["transport"]["open"]["value"] == 1
    assert backlog["transport"]["overdue"]["value"] == int(due_passed(cards["C"], scenario.now))
    assert backlog[GALICH_ADMIN]["overdue"]["value"] == int(due_passed(cards["D"], scenario.now))


def test_every_figure_drills_down_to_its_appeals(client: TestClient, scenario: Scenario) -> None:
    found = summary(client)
    figures = [
        found["total"],
        found["on_time"]["part"],
        found["on_time"]["whole"],
        found["first_response"]["measured"],
        found["reopen_rate"]["part"],
        found["redirect_rate"]["part"],
        found["machine_routed"]["part"],
        found["satisfaction"]["solved"]["part"],
        *[b["count"] for b in found["volumes"]["by_period"] if b["count"]["value"]],
        *[
            b["count"]
            for key in ("by_group", "by_municipality", "by_channel", "by_agency")
            for b in found["volumes"][key]
        ],
        *[row[k] for row in found["backlog"] for k in ("open", "overdue")],
    ]
    for figure in figures:
        assert listed(client, figure) == figure["value"], figure
        assert figure["drilldown"].startswith("/ui/analytics/appeals?")
    reopened = client.get(found["reopen_rate"]["part"]["api"]).json()["items"]
    assert [item["id"] for item in reopened] == [scenario.ids["E"]]
    assert all(CITIZEN["name"] not in json.dumps(item, ensure_ascii=False) for item in reopened)


def test_no_personal_data_in_the_figures(client: TestClient, scenario: Scenario) -> None:
    text = json.dumps(summary(client), ensure_ascii=False) + client.get("/api/v1/analytics/league", params=PERIOD).text
    for secret in (*CITIZEN.values(), "Петр", "910", "яма", "Советской", PROPER[:20]):
        assert secret not in text


def test_a_district_moderator_sees_their_district_only(
    client: TestClient, staff_team: StaffTeam, scenario: Scenario
) -> None:
    sharya = staff_team.headers("sharya.mod")
    own = summary(client, sharya)
    assert own["total"]["value"] == 4
    assert {b["key"] for b in own["volumes"]["by_municipality"]} == {SHARYA}
    assert listed(client, own["total"], sharya) == 4
    # Another district's municipality: empty figures, never its data (docs/analytics.md).
    foreign = summary(client, sharya, municipality=GALICH)
    assert foreign["total"]["value"] == 0 and foreign["volumes"]["by_agency"] == []
    assert summary(client, staff_team.headers("galich.mod"))["total"]["value"] == 1


def test_a_body_sees_its_own_appeals_and_its_own_league_row(
    client: TestClient, staff_team: StaffTeam, scenario: Scenario
) -> None:
    for login in ("sharya.exec", "sharya.head"):
        headers = staff_team.headers(login)
        own = summary(client, headers)
        assert own["total"]["value"] == 3  # A, B, E; C went to the road body
        assert {b["key"] for b in own["volumes"]["by_agency"]} == {SHARYA_ADMIN}
        league = client.get("/api/v1/analytics/league", params=PERIOD, headers=headers).json()
        assert [row["agency_id"] for row in league["rows"]] == [SHARYA_ADMIN]
    assert summary(client, staff_team.headers("analyst"))["total"]["value"] == 5
    assert summary(client, staff_team.headers("regmod"))["total"]["value"] == 5


def test_the_league_ranks_bodies_by_on_time_share(client: TestClient, scenario: Scenario) -> None:
    league = client.get("/api/v1/analytics/league", params=PERIOD)
    assert league.status_code == 200, league.text
    rows = {row["agency_id"]: row for row in league.json()["rows"]}
    sharya = rows[SHARYA_ADMIN]
    assert (sharya["on_time"]["part"]["value"], sharya["on_time"]["whole"]["value"]) == (2, 3)
    assert sharya["satisfaction"]["average_score"] == pytest.approx(4.5)
    assert (sharya["reopen_rate"]["part"]["value"], sharya["reopen_rate"]["whole"]["value"]) == (1, 3)
    assert rows[SHARYA_ADMIN]["rank"] == 1  # the only body with answers
    # The trend: final answers given this week and the three before (the clock is on Tue 1 Dec): B on 30 Nov.
    weeks = league.json()["weeks"]
    assert weeks[-1] == "2026-11-30" and len(weeks) == 4
    assert sharya["trend"][-1] == {"week_start": "2026-11-30", "answered": 1, "on_time": 0, "on_time_share": 0.0}
    assert listed(client, sharya["on_time"]["whole"]) == 3


def test_without_identity_or_role_there_are_no_figures(
    anonymous_client: TestClient, staff_team: StaffTeam, scenario: Scenario
) -> None:
    for path in ("/api/v1/analytics/summary", "/api/v1/analytics/league"):
        assert anonymous_client.get(path).status_code == 401
        token = anonymous_client.get(path, headers=staff_team.gateway)
        assert token.status_code == 403 and token.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"from": "2026-12-01", "to": "2026-11-01"}, "after"),
        ({"from": "вчера"}, "from"),
        ({"municipality": "Атлантида"}, "Атлантида"),
        ({"agency": "nope"}, "nope"),
        ({"group": "Погода"}, "Погода"),
        ({"channel": "pigeon"}, "pigeon"),
    ],
)
def test_bad_filters_are_422_with_a_reason(client: TestClient, params: dict[str, str], reason: str) -> None:
    response = client.get("/api/v1/analytics/summary", params=params)
    assert response.status_code == 422, response.text
    assert reason in response.text


def test_a_reopen_clears_the_final_answer_duration_until_the_next_answer(
    ctx: ServiceContext, client: TestClient
) -> None:
    ctx.clock = clock = FrozenClock(at(2, 10))
    appeal_id, _ = register(client, SHARYA_TEXT, SHARYA_ADMIN)
    ctx.clock = FrozenClock(at(3, 11))
    final(client, appeal_id)
    period = {"from": "2026-11-02", "to": "2026-11-02"}
    assert summary(client, **period)["final_answer"]["median_hours"] == pytest.approx(9.0)
    rate(client, appeal_id, 1, False)
    after_reopen = summary(client, **period)
    assert (
        after_reopen["final_answer"]["measured"]["value"] == 0 and after_reopen["final_answer"]["median_hours"] is None
    )
    assert after_reopen["first_response"]["median_hours"] == pytest.approx(9.0)  # the first response stands
    ctx.clock = clock = FrozenClock(at(5, 12))
    final(client, appeal_id)
    assert clock.now() == at(5, 12)
    assert summary(client, **period)["final_answer"]["median_hours"] == pytest.approx(17.0)
