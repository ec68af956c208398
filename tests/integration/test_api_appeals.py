"""The appeals API on a real database: portal submission, reading, search, the status machine."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.services.context import ServiceContext
from staff_support import StaffTeam

pytestmark = pytest.mark.db

# A substantive final answer: what was done, when, by whom, where — it passes the answer check and goes out at once.
PROPER_ANSWER = (
    "27.11.2026 бригада МКУ «Служба заказчика» заделала яму на улице Советской в Шарье, покрытие восстановлено."
)

PORTAL = {
    "text": "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса",
    "channel": "portal",
    "citizen": {"name": "Иван Петров", "phone": "+7 910 123-45-67"},
}


def test_portal_submission_registers_a_routed_appeal(client: TestClient) -> None:
    response = client.post("/api/v1/appeals", json=PORTAL)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"].startswith("44-")
    assert body["kind"] == "message"
    assert body["category"]["group"] == "Дороги"
    assert body["municipality"] == "Шарья"
    assert body["agency"]["level"] == "municipal"
    assert body["status"] in {"assigned", "needs_moderation"}
    assert body["due_at"] is not None
    assert "+7 910" not in body["text"], "the public text must have the phone masked"


def test_appeal_numbers_are_sequential_per_year(client: TestClient) -> None:
    numbers = [client.post("/api/v1/appeals", json=PORTAL).json()["number"] for _ in range(3)]
    sequences = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert sequences == [sequences[0], sequences[0] + 1, sequences[0] + 2]


def test_idempotency_key_makes_a_retry_the_same_appeal(client: TestClient) -> None:
    first = client.post("/api/v1/appeals", json=PORTAL, headers={"Idempotency-Key": "abc-1"})
    again = client.post("/api/v1/appeals", json=PORTAL, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert client.get("/api/v1/appeals").json()["total"] == 1


def test_detail_has_history_and_the_acknowledgement(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json=PORTAL).json()
    detail = client.get(f"/api/v1/appeals/{appeal['id']}").json()
    types = [event["type"] for event in detail["history"]]
    assert types[:3] == ["registered", "analysed", "status_changed"]
    assert [d["kind"] for d in detail["deliveries"]] == ["ack"]


def test_search_filters_by_municipality_name_and_status(client: TestClient) -> None:
    client.post("/api/v1/appeals", json=PORTAL)
    other = dict(PORTAL, text="Не горят фонари во дворе в Галиче, темно")
    client.post("/api/v1/appeals", json=other)
    sharya = client.get("/api/v1/appeals", params={"municipality": "Шарья"}).json()
    assert sharya["total"] == 1 and sharya["items"][0]["municipality"] == "Шарья"
    assert client.get("/api/v1/appeals", params={"status": "closed"}).json()["total"] == 0
    found = client.get("/api/v1/appeals", params={"q": "фонари"}).json()
    assert found["total"] == 1


def test_status_machine_walk_and_illegal_transition(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json=PORTAL).json()
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    if appeal["status"] == "needs_moderation":
        assert client.post(url, json={"to": "assigned", "agency_id": "adm-34730000"}).is_success
    illegal = client.post(url, json={"to": "closed"})
    assert illegal.status_code == 409
    assert illegal.headers["content-type"].startswith("application/problem+json")
    assert "closed" in illegal.json()["detail"]
    for to in ("in_progress", "answered", "resolved", "closed"):
        response = client.post(url, json={"to": to, "reason": "проверка"})
        assert response.status_code == 200, response.text
    history = client.get(f"/api/v1/appeals/{appeal['id']}").json()["history"]
    moves = [(e["from_status"], e["to_status"], e["actor"]) for e in history if e["type"] == "status_changed"]
    assert moves[-1] == ("resolved", "closed", "Админов Антон (admin)"), "the actor is the signed-in person"


def test_redirect_keeps_the_chain(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json=PORTAL).json()
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    client.post(url, json={"to": "assigned", "agency_id": "adm-34730000"})
    response = client.post(
        url,
        json={"to": "redirected", "agency_id": "transport", "reason": "региональная дорога"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["agency"]["id"] == "transport"
    redirect = next(e for e in body["history"] if e["to_status"] == "redirected")
    assert redirect["data"] == {"from_agency_id": "adm-34730000", "to_agency_id": "transport"}


def test_reject_needs_a_reason(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json=PORTAL).json()
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    assert client.post(url, json={"to": "rejected"}).status_code == 422
    ok = client.post(url, json={"to": "rejected", "reject_reason": "spam"})
    assert ok.status_code == 200 and ok.json()["reject_reason"] == "spam"


def test_reply_rate_and_reopen(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json=PORTAL).json()
    base = f"/api/v1/appeals/{appeal['id']}"
    if appeal["status"] == "needs_moderation":
        client.post(f"{base}/transitions", json={"to": "assigned", "agency_id": "adm-34730000"})
    assert client.post(f"{base}/ratings", json={"score": 5, "solved": True}).status_code == 422
    final = client.post(f"{base}/replies", json={"kind": "final", "text": PROPER_ANSWER})
    assert final.status_code == 201 and final.json()["status"] == "resolved"
    rated = client.post(f"{base}/ratings", json={"score": 2, "solved": False, "comment": "яма на месте"})
    assert rated.status_code == 201
    assert rated.json()["status"] == "reopened"
    kinds = [d["kind"] for d in rated.json()["deliveries"]]
    assert "reply_final" in kinds and kinds.count("status") >= 1


def test_an_answer_is_rated_once(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json=PORTAL).json()
    base = f"/api/v1/appeals/{appeal['id']}"
    if appeal["status"] == "needs_moderation":
        client.post(f"{base}/transitions", json={"to": "assigned", "agency_id": "adm-34730000"})
    client.post(f"{base}/replies", json={"kind": "final", "text": PROPER_ANSWER})
    assert client.post(f"{base}/ratings", json={"score": 5, "solved": True}).json()["status"] == "closed"
    again = client.post(f"{base}/ratings", json={"score": 1, "solved": True})
    assert again.status_code == 409 and "already rated" in again.json()["detail"]


def test_moderator_correction_is_recorded_and_proposes_the_body(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json=dict(PORTAL, text="Непонятное обращение про что-то в Буе")).json()
    url = f"/api/v1/appeals/{appeal['id']}/corrections"
    bad = client.post(url, json={"group": "ЖКХ", "topic": "Ремонт дороги"})
    assert bad.status_code == 422 and "not in group" in bad.json()["detail"]
    fixed = client.post(
        url,
        json={
            "group": "ЖКХ",
            "topic": "Отсутствие холодной воды",
            "municipality_id": "34705000",
            "reason": "уточнено по телефону",
        },
    )
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert body["category"] == {"group": "ЖКХ", "topic": "Отсутствие холодной воды", "confidence": 1.0}
    assert body["municipality"] == "Буй"
    corrected = [e for e in body["history"] if e["type"] == "corrected"]
    assert corrected[0]["data"]["after"]["topic"] == "Отсутствие холодной воды"
    if body["status"] in {"new", "needs_moderation"}:
        assert body["agency"]["id"] == "adm-34705000"
    assert (
        client.post(
            url, json={"group": "ЖКХ", "topic": "Отсутствие холодной воды", "municipality_id": "34705000"}
        ).status_code
        == 422
    )


def test_overdue_is_shown_while_the_appeal_is_open(
    client: TestClient, ctx: ServiceContext, staff_team: StaffTeam
) -> None:
    appeal = client.post("/api/v1/appeals", json=PORTAL).json()
    assert appeal["overdue"] is False
    ctx.clock = FrozenClock(datetime.fromisoformat(appeal["due_at"]) + timedelta(minutes=1))
    client.headers.update(staff_team.sign_in_again("admin"))  # days later: yesterday's token has expired
    assert client.get(f"/api/v1/appeals/{appeal['id']}").json()["overdue"] is True
    assert client.get("/api/v1/appeals", params={"overdue": "true"}).json()["total"] == 1
    ctx.clock = FrozenClock(datetime.fromisoformat(appeal["due_at"]) - timedelta(minutes=1))
    assert client.get("/api/v1/appeals", params={"overdue": "true"}).json()["total"] == 0


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_search_text_is_literal_not_a_like_wildcard(client: TestClient, wildcard: str) -> None:
    client.post("/api/v1/appeals", json=PORTAL)
    assert client.get("/api/v1/appeals", params={"q": wildcard}).json()["total"] == 0
    found = client.get("/api/v1/appeals", params={"q": "Советской"}).json()
    assert found["total"] == 1, "an ordinary word still finds the appeal"


def test_search_finds_a_percent_sign_in_the_text(client: TestClient) -> None:
    client.post(
        "/api/v1/appeals", json=dict(PORTAL, text="Тариф на отопление в Шарье вырос на 40% за месяц, это незаконно")
    )
    client.post("/api/v1/appeals", json=PORTAL)
    assert client.get("/api/v1/appeals", params={"q": "40%"}).json()["total"] == 1
