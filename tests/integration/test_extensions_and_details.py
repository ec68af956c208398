"""Extensions (59-ФЗ art. 12 p. 2: once, at most 30 days, decided by the head) and the paused clock while the
citizen is asked for details, through the HTTP API on a frozen clock.

Dates are worked out by hand on the 2026 production calendar: no holidays from 10 March to 30 April."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import scan_deadlines
from staff_support import SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
REGISTERED = datetime(2026, 3, 10, 7, tzinfo=UTC)  # Tue 10 March 2026, 10:00 MSK


def sharya_appeal(client: TestClient) -> dict[str, Any]:
    created = client.post(
        "/api/v1/appeals", json={"text": SHARYA_TEXT, "citizen": {"name": "Иван", "phone": "+7 910 123-45-67"}}
    )
    assert created.status_code == 201, created.text
    appeal = created.json()
    if appeal["status"] != "assigned" or appeal["agency"]["id"] != SHARYA_ADMIN:
        moved = client.post(
            f"/api/v1/appeals/{appeal['id']}/transitions", json={"to": "assigned", "agency_id": SHARYA_ADMIN}
        )
        assert moved.status_code == 200, moved.text
    return detail(client, appeal["id"])


def detail(client: TestClient, appeal_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/appeals/{appeal_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


@pytest.fixture
def clock(ctx: ServiceContext, staff_team: StaffTeam, client: TestClient) -> FrozenClock:
    """Frozen in the past of the tokens: everyone signs in first, at the real time, so the tokens outlive the
    weeks these tests move the clock by."""
    for login in ("sharya.exec", "sharya.head", "sharya.mod", "galich.exec", "galich.head", "regmod", "analyst"):
        staff_team.headers(login)
    frozen = FrozenClock(REGISTERED)
    ctx.clock = frozen
    return frozen


def test_an_extension_is_asked_once_within_30_days_and_approved_by_the_head(
    client: TestClient, staff_team: StaffTeam, clock: FrozenClock
) -> None:
    appeal = sharya_appeal(client)
    url = f"/api/v1/appeals/{appeal['id']}/extensions"
    executor, head = staff_team.headers("sharya.exec"), staff_team.headers("sharya.head")
    reason = "нужна экспертиза дорожного покрытия подрядчиком"
    assert client.post(url, json={"days": 31, "reason": reason}, headers=executor).status_code == 422
    assert client.post(url, json={"days": 0, "reason": reason}, headers=executor).status_code == 422
    assert client.post(url, json={"days": 10, "reason": "  "}, headers=executor).status_code == 422
    assert (
        client.post(url, json={"days": 10, "reason": reason}, headers=staff_team.headers("analyst")).status_code == 403
    )
    assert (
        client.post(url, json={"days": 10, "reason": reason}, headers=staff_team.headers("sharya.mod")).status_code
        == 403
    )
    assert (
        client.post(url, json={"days": 10, "reason": reason}, headers=staff_team.headers("galich.exec")).status_code
        == 404
    )

    requested = client.post(url, json={"days": 10, "reason": reason}, headers=executor)
    assert requested.status_code == 201, requested.text
    extension = requested.json()
    assert extension["status"] == "pending"
    assert client.post(url, json={"days": 5, "reason": reason}, headers=executor).status_code == 409  # one pending

    assert [e["id"] for e in client.get("/api/v1/extensions/pending", headers=head).json()] == [extension["id"]]
    assert client.get("/api/v1/extensions/pending", headers=staff_team.headers("galich.head")).json() == []
    decision_url = f"/api/v1/extensions/{extension['id']}/decision"
    assert (
        client.post(decision_url, json={"approve": True}, headers=staff_team.headers("galich.head")).status_code == 404
    )
    assert client.post(decision_url, json={"approve": True}, headers=executor).status_code == 403
    assert (
        client.post(decision_url, json={"approve": True}, headers=staff_team.headers("sharya.mod")).status_code == 403
    )

    before = at(appeal["due_at"])
    approved = client.post(decision_url, json={"approve": True, "comment": "согласовано"}, headers=head)
    assert approved.status_code == 200, approved.text
    after = at(detail(client, appeal["id"])["due_at"])
    # 10 calendar days after the deadline day, at the end of that working day (18:00 MSK = 15:00 UTC).
    expected_day = before.date() + timedelta(days=10)
    while expected_day.weekday() >= 5:
        expected_day += timedelta(days=1)
    assert after == datetime(expected_day.year, expected_day.month, expected_day.day, 15, tzinfo=UTC)
    assert approved.json()["due_before"] and at(approved.json()["due_after"]) == after

    moved = detail(client, appeal["id"])
    [event] = [e for e in moved["history"] if e["type"] == "extension_approved"]
    assert at(event["data"]["before"]) == before and at(event["data"]["after"]) == after
    assert "sharya.head" in event["actor"]
    assert "extension_requested" in [e["type"] for e in moved["history"]]
    notices = [d for d in moved["deliveries"] if d["kind"] == "extension"]
    assert len(notices) == 1
    # Once per appeal: another request after the approval is refused.
    assert client.post(url, json={"days": 5, "reason": reason}, headers=executor).status_code == 409


def test_the_extension_notice_tells_the_citizen_the_new_date_and_the_reason(
    client: TestClient, staff_team: StaffTeam, clock: FrozenClock, ctx: ServiceContext
) -> None:
    appeal = sharya_appeal(client)
    reason = "требуется согласование с подрядчиком"
    extension = client.post(
        f"/api/v1/appeals/{appeal['id']}/extensions",
        json={"days": 7, "reason": reason},
        headers=staff_team.headers("sharya.head"),
    ).json()
    client.post(
        f"/api/v1/extensions/{extension['id']}/decision", json={"approve": True}, headers=staff_team.headers("regmod")
    )
    due = at(detail(client, appeal["id"])["due_at"]) + timedelta(hours=3)  # the date in Moscow
    with ctx.uow(readonly=True) as uow:
        [notice] = [d for d in uow.deliveries.for_appeal(appeal["id"]) if d.kind == "extension"]
    assert notice.text == f"Срок рассмотрения обращения № {appeal['number']} продлён до {due:%d.%m.%Y}: {reason}"


def test_a_rejected_extension_leaves_the_deadline(
    client: TestClient, staff_team: StaffTeam, clock: FrozenClock
) -> None:
    appeal = sharya_appeal(client)
    extension = client.post(
        f"/api/v1/appeals/{appeal['id']}/extensions",
        json={"days": 7, "reason": "нужна экспертиза"},
        headers=staff_team.headers("sharya.exec"),
    ).json()
    rejected = client.post(
        f"/api/v1/extensions/{extension['id']}/decision",
        json={"approve": False, "comment": "срок достаточен"},
        headers=staff_team.headers("sharya.head"),
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    after = detail(client, appeal["id"])
    assert after["due_at"] == appeal["due_at"]
    assert "extension_rejected" in [e["type"] for e in after["history"]]
    assert [d for d in after["deliveries"] if d["kind"] == "extension"] == []


def test_asking_for_details_pauses_the_clock_and_the_answer_moves_the_deadline(
    client: TestClient, staff_team: StaffTeam, clock: FrozenClock, ctx: ServiceContext
) -> None:
    appeal = sharya_appeal(client)
    due = at(appeal["due_at"])
    first_due = at(appeal["first_response_due_at"])
    executor = staff_team.headers("sharya.exec")
    assert due.weekday() < 5 and due < datetime(2026, 4, 1, tzinfo=UTC)

    clock.advance(hours=1)  # Tue 10 March, 11:00 MSK
    question = "Уточните, пожалуйста, номер дома, возле которого яма"
    url = f"/api/v1/appeals/{appeal['id']}/details-request"
    assert client.post(url, json={"question": question}, headers=staff_team.headers("analyst")).status_code == 403
    assert client.post(url, json={"question": question}, headers=staff_team.headers("galich.exec")).status_code == 404
    asked = client.post(url, json={"question": question}, headers=executor)
    assert asked.status_code == 201, asked.text
    paused = detail(client, appeal["id"])
    assert [r["kind"] for r in paused["replies"]] == ["clarification"]
    assert [d["kind"] for d in paused["deliveries"] if d["kind"].startswith("reply")] == ["reply_clarification"]
    assert "details_requested" in [e["type"] for e in paused["history"]]

    clock.advance(days=22)  # Wed 1 April: past the deadline, but the clock stands still
    assert detail(client, appeal["id"])["overdue"] is False
    assert client.get("/api/v1/appeals", params={"overdue": "true"}).json()["total"] == 0, "nor in the overdue list"
    assert scan_deadlines(ctx) == 0
    assert "deadline_reminder" not in [e["type"] for e in detail(client, appeal["id"])["history"]]

    clock.advance(days=6)  # Tue 7 April, 11:00 MSK: four weeks of working days after the question
    answer_url = f"/api/v1/appeals/{appeal['id']}/details-answer"
    answered = client.post(answer_url, json={"text": "Дом 15, напротив магазина"}, headers=executor)
    assert answered.status_code == 200, answered.text
    assert answered.json()["paused_hours"] == 160  # 20 working days of 8 hours
    resumed = detail(client, appeal["id"])
    # 160 working hours after the deadline: the same moment four weeks later (no holidays in between).
    assert at(resumed["due_at"]) == due + timedelta(weeks=4)
    assert at(resumed["first_response_due_at"]) == first_due + timedelta(weeks=4)
    assert resumed["overdue"] is False
    assert "details_received" in [e["type"] for e in resumed["history"]]
    # Nothing is waiting any more: a second answer is a conflict.
    assert client.post(answer_url, json={"text": "ещё"}, headers=executor).status_code == 409

    clock.advance(weeks=3)  # 28 April: now past the moved deadline, and the clock runs
    assert detail(client, appeal["id"])["overdue"] is True
    assert scan_deadlines(ctx) == 1
