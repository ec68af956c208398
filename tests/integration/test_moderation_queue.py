"""The moderators' queue over HTTP on a real database: order, scope, accept, bulk, «not an appeal» review and
the live stream. Expected answers follow docs/moderation.md and ../shared/docs/roles.md."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from otklik.services import moderation
from otklik.services.context import ServiceContext
from otklik.services.live_feed import LiveFeed
from staff_support import GALICH, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье"
GALICH_TEXT = "Не горят фонари во дворе на улице Советской в Галиче"
CHATTER = "ахаха ну вы даёте))"
QUEUE = "/api/v1/moderation/queue"


def submit(client: TestClient, text: str) -> dict[str, Any]:
    response = client.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Иван"}})
    assert response.status_code == 201, response.text
    appeal: dict[str, Any] = response.json()
    return appeal


def to_queue(client: TestClient, appeal: dict[str, Any]) -> None:
    """Whatever the machine decided, the appeal waits for a moderator (the administrator moves it)."""
    if appeal["status"] != "needs_moderation":
        moved = client.post(
            f"/api/v1/appeals/{appeal['id']}/transitions", json={"to": "needs_moderation", "reason": "проверка"}
        )
        assert moved.status_code == 200, moved.text


def queued(client: TestClient, text: str) -> dict[str, Any]:
    appeal = submit(client, text)
    to_queue(client, appeal)
    return appeal


def post_message(client: TestClient, staff_team: StaffTeam, text: str, external_id: str) -> dict[str, Any]:
    body = {
        "channel": "vk",
        "external_id": external_id,
        "text": text,
        "author": {"name": "Олег", "id": "777"},
        "created_at": "2026-11-27T10:00:00+03:00",
    }
    response = client.post("/api/v1/messages", json=body, headers=staff_team.gateway)
    assert response.status_code == 202, response.text
    decision: dict[str, Any] = response.json()
    return decision


def queue_ids(client: TestClient, headers: dict[str, str] | None = None) -> list[int]:
    response = client.get(QUEUE, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()]


def test_the_queue_is_by_deadline_and_a_district_moderator_sees_their_municipality_only(
    client: TestClient, staff_team: StaffTeam
) -> None:
    portal = queued(client, SHARYA_TEXT)  # registered first: a portal message, 10 working days
    posted = post_message(client, staff_team, SHARYA_TEXT + ", помогите!", "wall-1_9_1")
    assert posted["decision"] == "registered", posted
    incident = client.get(f"/api/v1/appeals/{posted['appeal_id']}").json()  # a VK post: 7 working days
    to_queue(client, incident)
    galich = queued(client, GALICH_TEXT)
    assert incident["kind"] == "incident" and portal["kind"] == galich["kind"] == "message"
    # The newer incident is due first; the two messages are due at the same end of a working day, and the
    # Галич one (no light in a yard at night) is high priority, so it goes before the older Шарья message.
    assert incident["due_at"] < portal["due_at"] == galich["due_at"]
    assert galich["priority"] == "high" and portal["priority"] == "normal"
    expected = [incident["id"], galich["id"], portal["id"]]
    assert queue_ids(client) == expected
    assert queue_ids(client, staff_team.headers("regmod")) == expected
    assert queue_ids(client, staff_team.headers("sharya.mod")) == [incident["id"], portal["id"]]
    assert queue_ids(client, staff_team.headers("galich.mod")) == [galich["id"]]


def test_a_queue_item_carries_the_suggestion_and_its_explanation(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = queued(client, SHARYA_TEXT)
    [item] = client.get(QUEUE, headers=staff_team.headers("sharya.mod")).json()
    assert item["number"] == appeal["number"] and item["status"] == "needs_moderation"
    assert item["suggestion"]["group"] == "Дороги"
    assert item["suggestion"]["municipality_id"] == SHARYA and item["suggestion"]["municipality"] == "Шарья"
    assert item["suggestion"]["agency_id"] is not None and item["suggestion"]["routing_confidence"] is not None
    assert item["explanation"] and item["redirect"] is None
    assert item["due_at"] is not None and item["priority"] in {"normal", "high"}


def test_executors_and_analysts_have_no_queue(client: TestClient, staff_team: StaffTeam) -> None:
    for login in ("sharya.exec", "sharya.head", "analyst"):
        assert client.get(QUEUE, headers=staff_team.headers(login)).status_code == 403


def test_a_redirect_request_is_in_the_queue_with_the_body_s_justification(
    ctx: ServiceContext, client: TestClient, staff_team: StaffTeam
) -> None:
    appeal = queued(client, SHARYA_TEXT)
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    assert client.post(url, json={"to": "assigned", "agency_id": SHARYA_ADMIN}).status_code == 200
    why = "дорога региональная, не наша компетенция"
    other = next(a.id for a in ctx.reference.agencies if a.active and a.municipality_id is None)
    redirect = {"to": "redirected", "agency_id": other, "reason": why}
    response = client.post(url, json=redirect, headers=staff_team.headers("sharya.exec"))
    # The appeal now carries the proposed body and is outside the executor's scope: they get the result of
    # their own action (back to moderation), without the history that is no longer theirs.
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "needs_moderation" and response.json()["history"] == []
    assert client.get(f"/api/v1/appeals/{appeal['id']}", headers=staff_team.headers("sharya.exec")).status_code == 404
    [item] = client.get(QUEUE, headers=staff_team.headers("sharya.mod")).json()
    assert item["id"] == appeal["id"]
    assert item["redirect"]["justification"] == why
    assert item["redirect"]["from_agency_id"] == SHARYA_ADMIN
    assert item["redirect"]["by"].endswith("(sharya.exec)")


def test_accept_assigns_to_the_proposed_body(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = queued(client, SHARYA_TEXT)
    [item] = client.get(QUEUE, headers=staff_team.headers("sharya.mod")).json()
    proposed = item["suggestion"]["agency_id"]
    accepted = client.post(f"{QUEUE}/{appeal['id']}/accept", headers=staff_team.headers("sharya.mod"))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "assigned" and accepted.json()["agency"]["id"] == proposed
    history = client.get(f"/api/v1/appeals/{appeal['id']}").json()["history"]
    last = [event for event in history if event["type"] == "status_changed"][-1]
    assert last["to_status"] == "assigned" and last["reason"] == "подтверждено модератором"
    assert last["actor"].endswith("(sharya.mod)")
    assert queue_ids(client, staff_team.headers("sharya.mod")) == []


def test_accept_outside_the_scope_is_404_and_for_an_analyst_403(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = queued(client, SHARYA_TEXT)
    url = f"{QUEUE}/{appeal['id']}/accept"
    assert client.post(url, headers=staff_team.headers("galich.mod")).status_code == 404
    # Waiting for a moderator, the appeal is not yet the proposed body's: it does not exist for its executor.
    assert client.post(url, headers=staff_team.headers("sharya.exec")).status_code == 404
    assert client.post(url, headers=staff_team.headers("analyst")).status_code == 403
    assert client.post(f"{QUEUE}/999999/accept").status_code == 404


def test_bulk_does_its_own_appeals_and_reports_foreign_and_missing_ones_as_not_found(
    client: TestClient, staff_team: StaffTeam
) -> None:
    own = queued(client, SHARYA_TEXT)
    own_too = queued(client, SHARYA_TEXT + ", опять")
    foreign = queued(client, GALICH_TEXT)
    ids = [own["id"], foreign["id"], 999999, own_too["id"]]
    response = client.post(
        "/api/v1/moderation/bulk",
        json={"appeal_ids": ids, "action": "assign", "agency_id": SHARYA_ADMIN, "reason": "разбор очереди"},
        headers=staff_team.headers("sharya.mod"),
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["done"] == [own["id"], own_too["id"]]
    assert result["failed"] == {str(foreign["id"]): "не найдено", "999999": "не найдено"}
    for done in (own, own_too):
        detail = client.get(f"/api/v1/appeals/{done['id']}").json()
        assert detail["status"] == "assigned" and detail["agency"]["id"] == SHARYA_ADMIN
    assert client.get(f"/api/v1/appeals/{foreign['id']}").json()["status"] == "needs_moderation"


def test_bulk_reject_and_accept_go_item_by_item(client: TestClient, staff_team: StaffTeam) -> None:
    spam = queued(client, SHARYA_TEXT)
    assigned = queued(client, SHARYA_TEXT + ", ещё раз")
    headers = staff_team.headers("regmod")
    move = {"to": "assigned", "agency_id": SHARYA_ADMIN}
    assert client.post(f"/api/v1/appeals/{assigned['id']}/transitions", json=move).status_code == 200
    rejected = client.post(
        "/api/v1/moderation/bulk",
        json={"appeal_ids": [spam["id"]], "action": "reject", "reject_reason": "spam"},
        headers=headers,
    ).json()
    assert rejected == {"done": [spam["id"]], "failed": {}}
    detail = client.get(f"/api/v1/appeals/{spam['id']}").json()
    assert detail["status"] == "rejected" and detail["reject_reason"] == "spam"
    # accepting an appeal that is no longer in the queue fails alone, with the state machine's reason
    accepted = client.post(
        "/api/v1/moderation/bulk", json={"appeal_ids": [assigned["id"]], "action": "accept"}, headers=headers
    ).json()
    assert accepted["done"] == [] and "assigned" in accepted["failed"][str(assigned["id"])]


def test_bulk_limits_and_rights(client: TestClient, staff_team: StaffTeam) -> None:
    url = "/api/v1/moderation/bulk"
    too_many = client.post(url, json={"appeal_ids": list(range(1, 202)), "action": "accept"})
    assert too_many.status_code == 422
    assert client.post(url, json={"appeal_ids": [1], "action": "reject"}).status_code == 422  # no reason
    assert client.post(url, json={"appeal_ids": [1], "action": "assign"}).status_code == 422  # no body
    executor = client.post(url, json={"appeal_ids": [1], "action": "accept"}, headers=staff_team.headers("sharya.exec"))
    assert executor.status_code == 403


def test_a_message_judged_not_an_appeal_is_listed_and_promoted_once(
    ctx: ServiceContext, client: TestClient, staff_team: StaffTeam
) -> None:
    chatter = post_message(client, staff_team, CHATTER, "wall-1_1_1")
    assert chatter["decision"] == "not_an_appeal"
    regmod = staff_team.headers("regmod")
    listed = client.get("/api/v1/moderation/not-appeals", headers=regmod)
    assert listed.status_code == 200, listed.text
    [item] = [i for i in listed.json() if i["message_id"] == chatter["message_id"]]
    assert item["text"] == CHATTER and item["channel"] == "vk" and 0 <= item["appeal_score"] < item["threshold"]

    url = f"/api/v1/moderation/not-appeals/{chatter['message_id']}/promote"
    # unlocated: not a district's message (docs/moderation.md), and never an executor's business
    assert client.post(url, headers=staff_team.headers("sharya.mod")).status_code == 404
    assert client.post(url, headers=staff_team.headers("sharya.exec")).status_code == 403

    promoted = client.post(url, json={"reason": "это жалоба, ответим"}, headers=regmod)
    assert promoted.status_code == 201, promoted.text
    appeal = promoted.json()
    assert appeal["number"].startswith("44-") and appeal["status"] == "needs_moderation"
    detail = client.get(f"/api/v1/appeals/{appeal['id']}").json()
    types = [event["type"] for event in detail["history"]]
    assert types[:3] == ["registered", "analysed", "status_changed"] and "promoted" in types
    event = next(e for e in detail["history"] if e["type"] == "promoted")
    assert event["actor"].endswith("(regmod)") and event["reason"] == "это жалоба, ответим"
    assert "ack" in [d["kind"] for d in detail["deliveries"]], "the citizen is told the number, as for any appeal"
    assert appeal["id"] in queue_ids(client, regmod)

    again = client.post(url, headers=regmod)
    assert again.status_code == 409
    remaining = client.get("/api/v1/moderation/not-appeals", headers=regmod).json()
    assert chatter["message_id"] not in [i["message_id"] for i in remaining]
    assert CHATTER in moderation.promoted_examples(ctx)  # the detector's positive for the next training


def test_not_appeals_nearest_the_threshold_first_and_in_the_district(client: TestClient, staff_team: StaffTeam) -> None:
    texts = {
        None: "ахаха ну вы даёте))",
        SHARYA: "в Шарье сегодня красиво)) всем привет",
        GALICH: "в Галиче сегодня солнце)) всем добра",
    }
    ids = {}
    for i, (place, text) in enumerate(texts.items()):
        decision = post_message(client, staff_team, text, f"wall-1_2_{i}")
        assert decision["decision"] == "not_an_appeal", decision
        ids[place] = decision["message_id"]
    listed = client.get("/api/v1/moderation/not-appeals", headers=staff_team.headers("admin")).json()
    assert sorted(i["message_id"] for i in listed) == sorted(ids.values())
    scores = [i["appeal_score"] for i in listed]
    assert scores == sorted(scores, reverse=True)
    assert {i["message_id"]: i["municipality_id"] for i in listed} == {v: k for k, v in ids.items()}
    for login, place in (("sharya.mod", SHARYA), ("galich.mod", GALICH)):
        seen = client.get("/api/v1/moderation/not-appeals", headers=staff_team.headers(login)).json()
        assert [i["message_id"] for i in seen] == [ids[place]]  # the unlocated one is the region's
    assert client.get("/api/v1/moderation/not-appeals", headers=staff_team.headers("analyst")).status_code == 403


def _read_until(url: str, headers: dict[str, str], ready: threading.Event, municipality: str) -> list[dict[str, Any]]:
    """Data events of the stream up to the first about `municipality`; a silent stream fails by the read timeout."""
    events: list[dict[str, Any]] = []
    with (
        httpx.Client(timeout=httpx.Timeout(10.0)) as http,
        http.stream("GET", f"{url}/api/v1/moderation/stream", headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("retry:"):
                ready.set()  # subscribed: from now on every event reaches this reader
            elif line.startswith("data: "):
                events.append(json.loads(line.removeprefix("data: ")))
                if events[-1]["municipality_id"] == municipality:
                    break
    return events


def test_the_stream_delivers_new_appeals_within_the_reader_s_scope(
    live_server: str, client: TestClient, staff_team: StaffTeam
) -> None:
    ready = {login: threading.Event() for login in ("regmod", "galich.mod")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        regmod = pool.submit(_read_until, live_server, staff_team.headers("regmod"), ready["regmod"], SHARYA)
        galich = pool.submit(_read_until, live_server, staff_team.headers("galich.mod"), ready["galich.mod"], GALICH)
        assert all(event.wait(10) for event in ready.values()), "the streams did not open"
        started = time.monotonic()
        sharya = submit(client, SHARYA_TEXT)
        galich_appeal = submit(client, GALICH_TEXT)  # after the Шарья one: galich.mod's stream ends with it
        seen_by_regmod = regmod.result(timeout=15)
        seen_by_galich = galich.result(timeout=15)
    assert time.monotonic() - started < 15
    assert [e["appeal_id"] for e in seen_by_regmod] == [sharya["id"]]
    assert seen_by_regmod[0]["status"] == sharya["status"] and seen_by_regmod[0]["change"] == "registered"
    # the earlier Шарья appeal never reached galich.mod: their stream carried the Галич one only
    assert [e["appeal_id"] for e in seen_by_galich] == [galich_appeal["id"]]


def test_the_stream_needs_a_person(anonymous_client: TestClient, staff_team: StaffTeam) -> None:
    assert anonymous_client.get("/api/v1/moderation/stream").status_code == 401
    assert anonymous_client.get("/api/v1/moderation/stream", headers=staff_team.gateway).status_code == 403


def test_a_slow_reader_loses_its_oldest_events_and_others_are_not_held_up() -> None:
    feed = LiveFeed(buffer=3)
    with feed.subscribe() as slow, feed.subscribe() as other:
        for i in range(5):
            feed.publish({"appeal_id": i})
        assert [slow.get(0.1) for _ in range(3)] == [{"appeal_id": 2}, {"appeal_id": 3}, {"appeal_id": 4}]
        assert slow.dropped == 2 and slow.get(0.01) is None
        assert other.get(0.1) == {"appeal_id": 2}
    assert feed.subscriber_count == 0
