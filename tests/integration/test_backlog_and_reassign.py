"""A body's backlog over HTTP on a real database: taking into work, the backlog by executor, reassignment within
the body, and the body's list. Expected answers follow ../shared/docs/roles.md and docs/moderation.md."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.services.context import ServiceContext
from staff_support import GALICH_ADMIN, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье"
GALICH_TEXT = "Не горят фонари во дворе на улице Советской в Галиче"


def assigned(client: TestClient, text: str, agency_id: str) -> dict[str, Any]:
    """An appeal assigned to the body by the administrator, whatever the machine decided."""
    appeal = client.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Иван"}}).json()
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    if appeal["status"] != "needs_moderation":
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).status_code == 200
    response = client.post(url, json={"to": "assigned", "agency_id": agency_id})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def backlog(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v1/agency/backlog", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def person(found: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in found["people"] if p["name"] == name)


def test_an_executor_takes_an_appeal_into_work(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = assigned(client, SHARYA_TEXT, SHARYA_ADMIN)
    taken = client.post(f"/api/v1/appeals/{appeal['id']}/take", headers=staff_team.headers("sharya.exec"))
    assert taken.status_code == 200, taken.text
    body = taken.json()
    assert body["status"] == "in_progress" and body["assignee"]["login"] == "sharya.exec"
    history = client.get(f"/api/v1/appeals/{appeal['id']}").json()["history"]
    reassigned = next(e for e in history if e["type"] == "reassigned")
    assert reassigned["actor"].endswith("(sharya.exec)")
    assert reassigned["data"]["before"] is None and reassigned["data"]["after"]["login"] == "sharya.exec"
    moved = [e for e in history if e["type"] == "status_changed"][-1]
    assert (moved["to_status"], moved["reason"]) == ("in_progress", "взято в работу")


def test_take_is_for_the_body_s_people(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = assigned(client, SHARYA_TEXT, SHARYA_ADMIN)
    url = f"/api/v1/appeals/{appeal['id']}/take"
    assert client.post(url, headers=staff_team.headers("galich.exec")).status_code == 404  # another body's
    assert client.post(url, headers=staff_team.headers("sharya.mod")).status_code == 403  # moderators do not work
    assert client.post(url, headers=staff_team.headers("sharya.exec")).status_code == 200
    # the head may not take over a colleague's appeal silently: reassigning is the way
    assert client.post(url, headers=staff_team.headers("sharya.head")).status_code == 409


def test_the_backlog_is_by_executor_with_counts_overdue_and_the_nearest_deadline(
    ctx: ServiceContext, client: TestClient, staff_team: StaffTeam
) -> None:
    first = assigned(client, SHARYA_TEXT, SHARYA_ADMIN)
    second = assigned(client, SHARYA_TEXT + ", колёса бьют", SHARYA_ADMIN)
    assigned(client, GALICH_TEXT, GALICH_ADMIN)  # another body's: not in this backlog
    assert client.post(f"/api/v1/appeals/{first['id']}/take", headers=staff_team.headers("sharya.exec")).is_success

    found = backlog(client, staff_team.headers("sharya.head"))
    assert found["agency_id"] == SHARYA_ADMIN and found["open"] == 2 and found["overdue"] == 0
    executor = person(found, "Исполнитель Шарья")
    assert (executor["open"], executor["overdue"], executor["login"]) == (1, 0, "sharya.exec")
    assert executor["nearest_due_at"] == first["due_at"]
    assert person(found, "Глава Шарья")["open"] == 0  # the head is listed too, with nothing on them
    nobody = person(found, "не распределено")
    assert (nobody["open"], nobody["user_id"], nobody["nearest_due_at"]) == (1, None, second["due_at"])
    assert {p["login"] for p in found["people"]} == {"sharya.exec", "sharya.head", None}

    ctx.clock = FrozenClock(datetime.fromisoformat(first["due_at"]) + timedelta(minutes=1))
    late = backlog(client, staff_team.sign_in_again("sharya.head"))
    assert late["overdue"] == 2 and person(late, "Исполнитель Шарья")["overdue"] == 1


def test_the_backlog_is_for_heads_and_administrators(client: TestClient, staff_team: StaffTeam) -> None:
    url = "/api/v1/agency/backlog"
    assert client.get(url, headers=staff_team.headers("sharya.exec")).status_code == 403
    assert client.get(url, headers=staff_team.headers("regmod")).status_code == 403
    assert client.get(url).status_code == 422  # the administrator names the body
    assert client.get(url, params={"agency": SHARYA_ADMIN}).json()["agency_id"] == SHARYA_ADMIN
    foreign = client.get(url, params={"agency": GALICH_ADMIN}, headers=staff_team.headers("sharya.head"))
    assert foreign.status_code == 404


def test_reassign_within_the_body(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = assigned(client, SHARYA_TEXT, SHARYA_ADMIN)
    url = f"/api/v1/appeals/{appeal['id']}/assignee"
    head = staff_team.headers("sharya.head")
    done = client.post(url, json={"login": "sharya.exec"}, headers=head)
    assert done.status_code == 200, done.text
    assert done.json()["assignee"]["login"] == "sharya.exec"
    again = client.post(url, json={"login": "sharya.head"}, headers=head)
    assert again.status_code == 200 and again.json()["assignee"]["login"] == "sharya.head"
    history = client.get(f"/api/v1/appeals/{appeal['id']}").json()["history"]
    moves = [e for e in history if e["type"] == "reassigned"]
    assert [m["data"]["after"]["login"] for m in moves] == ["sharya.exec", "sharya.head"]
    assert moves[1]["data"]["before"]["login"] == "sharya.exec" and moves[1]["actor"].endswith("(sharya.head)")


def test_reassign_to_another_body_s_executor_is_422_and_by_an_executor_403(
    client: TestClient, staff_team: StaffTeam
) -> None:
    appeal = assigned(client, SHARYA_TEXT, SHARYA_ADMIN)
    url = f"/api/v1/appeals/{appeal['id']}/assignee"
    assert client.post(url, json={"login": "galich.exec"}, headers=staff_team.headers("sharya.head")).status_code == 422
    assert client.post(url, json={"login": "regmod"}, headers=staff_team.headers("sharya.head")).status_code == 422
    assert client.post(url, json={"login": "nobody"}, headers=staff_team.headers("sharya.head")).status_code == 422
    assert client.post(url, json={"login": "sharya.exec"}, headers=staff_team.headers("sharya.exec")).status_code == 403
    assert client.post(url, json={"login": "sharya.exec"}, headers=staff_team.headers("galich.head")).status_code == 404
    assert client.post(url, json={"login": "sharya.exec"}).status_code == 200  # the administrator may


def test_the_body_s_list_is_by_deadline_and_mine_only_narrows_it(client: TestClient, staff_team: StaffTeam) -> None:
    older = assigned(client, SHARYA_TEXT, SHARYA_ADMIN)
    posted = client.post(
        "/api/v1/messages",
        json={
            "channel": "vk",
            "external_id": "wall-1_5_5",
            "text": SHARYA_TEXT + ", помогите!",
            "author": {"name": "Олег", "id": "777"},
            "created_at": "2026-11-27T10:00:00+03:00",
        },
        headers=staff_team.gateway,
    ).json()
    incident = client.get(f"/api/v1/appeals/{posted['appeal_id']}").json()
    url = f"/api/v1/appeals/{incident['id']}/transitions"
    if incident["status"] != "needs_moderation":
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).is_success
    assert client.post(url, json={"to": "assigned", "agency_id": SHARYA_ADMIN}).is_success
    assert incident["due_at"] < older["due_at"]  # a VK incident: 7 working days against a message's 10

    executor = staff_team.headers("sharya.exec")
    listed = client.get("/api/v1/agency/appeals", headers=executor)
    assert listed.status_code == 200, listed.text
    assert [a["id"] for a in listed.json()] == [incident["id"], older["id"]]
    assert client.get("/api/v1/agency/appeals", params={"mine": True}, headers=executor).json() == []
    assert client.post(f"/api/v1/appeals/{older['id']}/take", headers=executor).is_success
    mine = client.get("/api/v1/agency/appeals", params={"mine": True}, headers=executor).json()
    assert [a["id"] for a in mine] == [older["id"]]
    assert client.get("/api/v1/agency/appeals", headers=staff_team.headers("galich.exec")).json() == []
