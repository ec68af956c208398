"""The contract of messages: 202 with a Location to poll, the decision by id, the same answer to a re-delivery."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from otklik.adapters.bus.inprocess import InProcessBus
from otklik.domain.channels import parse_channel
from otklik.domain.message import Author, InboundMessage, MessageOutcome
from otklik.services import staff
from otklik.services.context import ServiceContext
from otklik.services.messages import MESSAGE_RECEIVED, decision_for
from otklik.workers.schedule import OUTBOX_DRAIN_SECONDS, outbox_job
from staff_support import StaffTeam

pytestmark = pytest.mark.db

MESSAGE = {
    "channel": "vk",
    "external_id": "wall-1_300_1",
    "text": "Во дворе дома 5 на улице Советской в Костроме третий день не вывозят мусор, контейнеры переполнены",
    "author": {"name": "Ирина", "id": "901"},
    "created_at": "2026-11-27T10:00:00+03:00",
}


def _token_headers(ctx: ServiceContext, scopes: list[str]) -> dict[str, str]:
    token, _ = staff.create_token(ctx, "scoped-" + "-".join(s.replace(":", "_") for s in scopes), scopes)
    return {"Authorization": f"Bearer {token}"}


def test_post_answers_202_with_a_location_that_reads_the_same_decision(
    client: TestClient, staff_team: StaffTeam
) -> None:
    posted = client.post("/api/v1/messages", json=MESSAGE, headers=staff_team.gateway)
    assert posted.status_code == 202, posted.text
    body = posted.json()
    assert posted.headers["location"] == f"/api/v1/messages/{body['message_id']}"
    assert body["decision"] == "registered"  # in-process: decided before the answer
    assert body["appeal_number"]
    read = client.get(posted.headers["location"], headers=staff_team.gateway)
    assert read.status_code == 200, read.text
    assert read.json() == {**body, "reason": read.json()["reason"]}
    assert set(read.json()) == {"message_id", "decision", "appeal_id", "appeal_number", "reason"}


def test_a_redelivery_names_the_same_message_appeal_and_number(client: TestClient, staff_team: StaffTeam) -> None:
    first = client.post("/api/v1/messages", json=MESSAGE, headers=staff_team.gateway).json()
    again = client.post("/api/v1/messages", json=MESSAGE, headers=staff_team.gateway)
    assert again.status_code == 202
    assert again.headers["location"] == f"/api/v1/messages/{first['message_id']}"
    second = again.json()
    assert second["decision"] == "duplicate"
    assert (second["message_id"], second["appeal_id"], second["appeal_number"]) == (
        first["message_id"],
        first["appeal_id"],
        first["appeal_number"],
    )


def test_reading_a_decision_needs_the_channel_token_or_staff(
    ctx: ServiceContext, client: TestClient, anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    posted = client.post("/api/v1/messages", json=MESSAGE, headers=staff_team.gateway).json()
    url = f"/api/v1/messages/{posted['message_id']}"
    assert client.get(url, headers=_token_headers(ctx, ["messages:vk"])).status_code == 200
    assert client.get(url, headers=staff_team.headers("admin")).status_code == 200
    # A token of another channel, or one that posts no messages, learns nothing: not even that the id exists.
    assert client.get(url, headers=_token_headers(ctx, ["messages:telegram"])).status_code == 404
    assert client.get(url, headers=_token_headers(ctx, ["open311"])).status_code == 404
    assert anonymous_client.get(url).status_code == 401
    assert client.get("/api/v1/messages/987654321", headers=staff_team.gateway).status_code == 404


def test_redeliveries_racing_the_first_all_carry_its_number(live_server: str, staff_team: StaffTeam) -> None:
    body = {**MESSAGE, "external_id": "wall-1_300_race"}

    def post(_: int) -> httpx.Response:
        with httpx.Client(timeout=30, headers=staff_team.gateway) as http:
            return http.post(f"{live_server}/api/v1/messages", json=body)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))
    assert all(r.status_code == 202 for r in responses), [r.text for r in responses]
    answers = [r.json() for r in responses]
    assert [a["decision"] for a in answers].count("registered") == 1
    assert len({a["message_id"] for a in answers}) == 1
    numbers = {a["appeal_number"] for a in answers}
    assert len(numbers) == 1 and None not in numbers, answers


def test_a_parked_event_is_counted_replayed_and_then_done(ctx: ServiceContext) -> None:
    runs: list[int] = []

    def flaky(_ctx: ServiceContext, payload: dict[str, object]) -> None:
        runs.append(1)
        if len(runs) <= 2:
            raise RuntimeError("the body's system is down")

    bus = InProcessBus(ctx, {"test.flaky": flaky}, park_after=2)
    with ctx.uow() as uow:
        event_id = uow.outbox.add("test.flaky", {"n": 1}, at=ctx.clock.now())
        uow.commit()
    bus.drain(max_rounds=1)
    bus.drain(max_rounds=1)
    assert _state_counts(ctx) == {("parked", "test.flaky"): 1}
    with ctx.uow() as uow:
        assert uow.outbox.replay(topic="other.topic") == 0
        assert uow.outbox.replay(topic="test.flaky", event_id=event_id) == 1
        uow.commit()
    assert _state_counts(ctx) == {("pending", "test.flaky"): 1}
    bus.drain(max_rounds=1)
    assert len(runs) == 3
    assert _state_counts(ctx) == {("done", "test.flaky"): 1}


def test_the_outbox_timer_decides_a_message_no_request_drained(ctx: ServiceContext) -> None:
    """A crash between the commit and the drain leaves an event behind: the timer picks it up without a new message."""
    message = InboundMessage(
        channel=parse_channel("vk"),
        external_id="wall-1_300_orphan",
        text=str(MESSAGE["text"]),
        created_at=datetime(2026, 11, 27, 7, 0, tzinfo=UTC),
        author=Author(name="Ирина"),
    )
    with ctx.uow() as uow:
        message_id = uow.messages.add(message, ctx.clock.now())
        uow.outbox.add(MESSAGE_RECEIVED, {"message_id": message_id}, at=ctx.clock.now())
        uow.commit()  # and no after_commit: the request "crashed"
    stop = threading.Event()
    thread = threading.Thread(target=outbox_job(ctx).run, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + OUTBOX_DRAIN_SECONDS * 4
        while decision_for(ctx, message_id).outcome is MessageOutcome.QUEUED:
            assert time.monotonic() < deadline, "the timer did not drain the outbox"
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(10)
    assert decision_for(ctx, message_id).outcome is MessageOutcome.REGISTERED


def _state_counts(ctx: ServiceContext) -> dict[tuple[str, str], int]:
    with ctx.uow(readonly=True) as uow:
        return {(c.state, c.topic): c.count for c in uow.outbox.counts() if c.topic.startswith("test.")}
