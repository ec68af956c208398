"""One incident from many channels (issue 9): the same burst pipe reported on VK, in Telegram and by e-mail is
one problem; a moderator confirms or splits; one answer reaches every reporter in their own channel.

Expected answers come from the scenario and roles.md («merge duplicates, split» is the moderators'; answering is
the body's; outside the scope an incident does not exist)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from staff_support import SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

PIPE = [
    ("vk", "wall-1_50_1", "Шарья, ул. Ленина 12 — прорвало трубу, вода хлещет прямо на дорогу!!!"),
    ("telegram", "tg-pipe-2", "в шарье на ленина 12 прорыв трубы, течёт вода по всей улице, сделайте что-нибудь"),
    ("email", "<pipe-3@example.org>", "Здравствуйте. В г. Шарья по ул. Ленина, д. 12 прорвало водопроводную трубу, "
     "вода течёт по улице. Прошу принять меры."),
]  # fmt: skip
ELSEWHERE = ("vk", "wall-1_50_9", "Галич, ул. Свободы 3 — прорвало трубу, вода хлещет на дорогу!!!")
ANSWER = "Порыв водопровода на ул. Ленина, 12 устранён аварийной бригадой МУП «Водоканал» 03.12.2026 к 14:00."


def post(client: TestClient, staff_team: StaffTeam, channel: str, key: str, text: str) -> dict[str, Any]:
    author: dict[str, str] = {"name": "Житель", "id": key[-6:]}
    if channel == "email":
        author = {"name": "Житель", "email": "resident@example.org"}
    response = client.post(
        "/api/v1/messages",
        json={"channel": channel, "external_id": key, "text": text, "author": author,
              "created_at": "2026-12-02T09:00:00+03:00"},
        headers=staff_team.gateway,
    )  # fmt: skip
    assert response.status_code in (200, 201, 202), response.text
    body: dict[str, Any] = response.json()
    assert body["appeal_id"], body
    return body


def incidents(client: TestClient, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    response = client.get("/api/v1/incidents", headers=headers or {})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def assign_to_sharya(client: TestClient, appeal_id: int) -> None:
    appeal = client.get(f"/api/v1/appeals/{appeal_id}").json()
    url = f"/api/v1/appeals/{appeal_id}/transitions"
    if appeal["status"] == "assigned" and appeal["agency"] and appeal["agency"]["id"] == SHARYA_ADMIN:
        return
    if appeal["status"] not in ("needs_moderation", "new"):
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).is_success
    moved = client.post(url, json={"to": "assigned", "agency_id": SHARYA_ADMIN})
    assert moved.status_code == 200, moved.text


def test_three_channels_one_incident_confirmed_and_answered_once(client: TestClient, staff_team: StaffTeam) -> None:
    ids = [post(client, staff_team, *message)["appeal_id"] for message in PIPE]
    other = post(client, staff_team, *ELSEWHERE)["appeal_id"]

    [incident] = incidents(client)
    detail = client.get(f"/api/v1/incidents/{incident['id']}").json()
    assert sorted(m["appeal_id"] for m in detail["members"]) == sorted(ids)
    assert other not in {m["appeal_id"] for m in detail["members"]}
    assert detail["status"] == "proposed" and detail["appeals"] == 3
    assert {m["channel"] for m in detail["members"]} == {"vk", "telegram", "email"}
    assert all(m["reasons"] for m in detail["members"])
    # The dashboard counts problems, not messages: four appeals, two problems (the pipe in Шарья, one in Галич).
    figures = client.get("/api/v1/analytics/summary", params={"from": "2026-11-01", "to": "2026-12-31"}).json()
    assert (figures["total"]["value"], figures["problems"]) == (4, 2)

    # Scope: the Шарья moderator sees it, Галич's does not (404 by id, absent from the list).
    assert [i["id"] for i in incidents(client, staff_team.headers("sharya.mod"))] == [incident["id"]]
    assert incidents(client, staff_team.headers("galich.mod")) == []
    assert (
        client.get(f"/api/v1/incidents/{incident['id']}", headers=staff_team.headers("galich.mod")).status_code == 404
    )

    for appeal_id in ids:
        assign_to_sharya(client, appeal_id)
    executor = staff_team.headers("sharya.exec")
    answer_url = f"/api/v1/incidents/{incident['id']}/answer"
    # Not yet confirmed: no answer for all. An executor may not confirm (403); the district moderator may.
    assert client.post(answer_url, json={"text": ANSWER}, headers=executor).status_code == 409
    assert client.post(f"/api/v1/incidents/{incident['id']}/confirm", headers=executor).status_code == 403
    confirmed = client.post(f"/api/v1/incidents/{incident['id']}/confirm", headers=staff_team.headers("sharya.mod"))
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"]

    outcomes = client.post(answer_url, json={"text": ANSWER}, headers=executor)
    assert outcomes.status_code == 200, outcomes.text
    by_id = {o["appeal_id"]: o["outcome"] for o in outcomes.json()}
    assert set(by_id) == set(ids) and set(by_id.values()) <= {"published", "review"}
    # Public VK posts wait for a moderator (answer_review_kinds); approve what waits.
    for appeal_id, outcome in by_id.items():
        if outcome == "review":
            [pending] = [
                d for d in client.get(f"/api/v1/appeals/{appeal_id}/answers").json() if d["status"] == "pending"
            ]
            approved = client.post(f"/api/v1/answers/{pending['id']}/approve", headers=staff_team.headers("sharya.mod"))
            assert approved.status_code == 200, approved.text

    # Every reporter is told in the channel they wrote from, once; the incident is closed.
    for appeal_id, (channel, _, _) in zip(ids, PIPE, strict=True):
        appeal = client.get(f"/api/v1/appeals/{appeal_id}").json()
        assert appeal["status"] == "resolved"
        finals = [d for d in appeal["deliveries"] if d["kind"] == "reply_final"]
        assert len(finals) == 1 and finals[0]["channel"] == channel
    assert client.get(f"/api/v1/incidents/{incident['id']}").json()["status"] == "closed"


def test_split_takes_an_appeal_out_and_a_lone_appeal_dissolves_it(client: TestClient, staff_team: StaffTeam) -> None:
    ids = [post(client, staff_team, *message)["appeal_id"] for message in PIPE]
    [incident] = incidents(client)
    url = f"/api/v1/incidents/{incident['id']}/split"
    moderator = staff_team.headers("sharya.mod")
    assert client.post(url, json={"appeal_ids": [ids[0]]}, headers=staff_team.headers("sharya.exec")).status_code == 403
    assert client.post(url, json={"appeal_ids": [999_999]}, headers=moderator).status_code == 422
    kept = client.post(url, json={"appeal_ids": [ids[0]], "reason": "другая авария"}, headers=moderator)
    assert kept.status_code == 200, kept.text
    assert sorted(m["appeal_id"] for m in kept.json()["members"]) == sorted(ids[1:])
    history = client.get(f"/api/v1/appeals/{ids[0]}").json()["history"]
    assert any(e["type"] == "incident_split" and e["reason"] == "другая авария" for e in history)
    # Adding it back by hand works; then splitting two of three leaves one: dissolved.
    back = client.post(f"/api/v1/incidents/{incident['id']}/appeals", json={"appeal_id": ids[0]}, headers=moderator)
    assert back.status_code == 200 and back.json()["appeals"] == 3
    gone = client.post(url, json={"appeal_ids": ids[:2]}, headers=moderator)
    assert gone.status_code == 204
    # A dissolved incident has no appeals left, so it is in nobody's lists; each appeal's history keeps the split.
    assert incidents(client, moderator) == []
    for appeal_id in ids:
        types = [e["type"] for e in client.get(f"/api/v1/appeals/{appeal_id}").json()["history"]]
        assert "incident_linked" in types and "incident_split" in types


def test_different_problems_on_one_street_are_not_one_incident(client: TestClient, staff_team: StaffTeam) -> None:
    post(client, staff_team, "vk", "wall-1_60_1", "Шарья, ул. Ленина 12 — прорвало трубу, вода хлещет на дорогу!!!")
    post(client, staff_team, "vk", "wall-1_60_2", "Шарья, ул. Ленина 12 — во дворе не вывозят мусор вторую неделю")
    assert incidents(client) == []
