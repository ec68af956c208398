"""Final answers under review (roles.md: executors draft, moderators approve or return), through the HTTP API.

Expected answers come from roles.md and the brief: an «отписка» is flagged and waits; nothing reaches the citizen
before approval; the author of the published reply is the executor; scope → 404, role → 403."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from otklik.services.context import ServiceContext
from staff_support import SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
OTPISKA = "Ваше обращение рассмотрено, информация принята к сведению."
PROPER = "Яма на улице Советской заделана 12.03.2026 бригадой МУП «Шарьинское дорожное хозяйство» литым асфальтом."


def sharya_appeal(client: TestClient) -> dict[str, Any]:
    """A portal appeal of Шарья, assigned to the Шарья administration (by the admin when the machine was unsure)."""
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
    return appeal


def detail(client: TestClient, appeal_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/appeals/{appeal_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def final_deliveries(client: TestClient, appeal_id: int) -> list[dict[str, Any]]:
    return [d for d in detail(client, appeal_id)["deliveries"] if d["kind"] == "reply_final"]


def test_an_otpiska_waits_is_returned_and_a_proper_answer_is_published_only_on_approval(
    client: TestClient, staff_team: StaffTeam, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    appeal = sharya_appeal(client)
    executor, moderator = staff_team.headers("sharya.exec"), staff_team.headers("sharya.mod")
    answers_url = f"/api/v1/appeals/{appeal['id']}/answers"

    submitted = client.post(answers_url, json={"text": OTPISKA}, headers=executor)
    assert submitted.status_code == 201, submitted.text
    draft = submitted.json()
    assert draft["status"] == "pending" and draft["review_required"] is True
    assert {"no_action", "no_date"} <= {f["code"] for f in draft["flags"]}
    assert draft["score"] >= 0.5
    # Waiting: no reply, no move to «resolved», nothing delivered to the citizen.
    waiting = detail(client, appeal["id"])
    assert waiting["status"] == "assigned" and waiting["replies"] == [] and final_deliveries(client, appeal["id"]) == []
    assert "answer_submitted" in [e["type"] for e in waiting["history"]]
    # A second answer while one waits is a conflict, also through the plain replies API.
    assert client.post(answers_url, json={"text": PROPER}, headers=executor).status_code == 409
    replies_url = f"/api/v1/appeals/{appeal['id']}/replies"
    assert client.post(replies_url, json={"kind": "final", "text": PROPER}, headers=executor).status_code == 409

    queue = client.get("/api/v1/answers/review", headers=moderator).json()
    assert [d["id"] for d in queue] == [draft["id"]]
    assert (
        client.post(f"/api/v1/answers/{draft['id']}/return", json={"comment": " "}, headers=moderator).status_code
        == 422
    )
    returned = client.post(
        f"/api/v1/answers/{draft['id']}/return",
        json={"comment": "Напишите, когда и кем будет заделана яма"},
        headers=moderator,
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    seen = client.get(answers_url, headers=executor).json()
    assert seen[0]["review_comment"] == "Напишите, когда и кем будет заделана яма"
    assert client.get("/api/v1/answers/review", headers=moderator).json() == []
    assert final_deliveries(client, appeal["id"]) == []

    # The body sends every final answer of this kind to review: the proper one waits too, then is approved.
    monkeypatch.setattr(ctx.settings, "answer_review_kinds", ["incident", "message"])
    second = client.post(replies_url, json={"kind": "final", "text": PROPER}, headers=executor)
    assert second.status_code == 201, second.text
    assert final_deliveries(client, appeal["id"]) == []
    pending = client.get(answers_url, headers=executor).json()[-1]
    assert pending["status"] == "pending" and pending["flags"] == []

    edited = PROPER + " Гарантийный срок ремонта — 2 года."
    approved = client.post(f"/api/v1/answers/{pending['id']}/approve", json={"text": edited}, headers=moderator)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["published_text"] == edited
    after = detail(client, appeal["id"])
    assert after["status"] == "resolved"
    [reply] = after["replies"]
    assert reply["kind"] == "final" and reply["text"] == edited
    assert "sharya.exec" in reply["author"]  # the executor wrote it, the moderator only approved
    [approval] = [e for e in after["history"] if e["type"] == "answer_approved"]
    assert "sharya.mod" in approval["actor"]
    assert len(final_deliveries(client, appeal["id"])) == 1
    # Approved once: a second approval is a conflict.
    assert client.post(f"/api/v1/answers/{pending['id']}/approve", headers=moderator).status_code == 409


def test_a_proper_answer_to_a_portal_message_is_published_at_once(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = sharya_appeal(client)
    response = client.post(
        f"/api/v1/appeals/{appeal['id']}/answers", json={"text": PROPER}, headers=staff_team.headers("sharya.exec")
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "published" and response.json()["review_required"] is False
    assert detail(client, appeal["id"])["status"] == "resolved"
    assert len(final_deliveries(client, appeal["id"])) == 1


def test_an_incident_from_public_social_media_waits_for_review_even_when_clean(
    client: TestClient, staff_team: StaffTeam
) -> None:
    posted = client.post(
        "/api/v1/messages",
        json={
            "channel": "vk",
            "external_id": "wall-1_7_7",
            "text": SHARYA_TEXT + ", помогите!",
            "author": {"name": "Олег", "id": "777"},
            "created_at": "2026-11-27T10:00:00+03:00",
        },
        headers=staff_team.gateway,
    )
    assert posted.status_code in (200, 201, 202), posted.text
    appeal_id = posted.json()["appeal_id"]
    incident = detail(client, appeal_id)
    assert incident["kind"] == "incident"
    url = f"/api/v1/appeals/{appeal_id}/transitions"
    if incident["status"] != "needs_moderation":
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).is_success
    assert client.post(url, json={"to": "assigned", "agency_id": SHARYA_ADMIN}).is_success
    draft = client.post(
        f"/api/v1/appeals/{appeal_id}/answers", json={"text": PROPER}, headers=staff_team.headers("sharya.exec")
    ).json()
    assert draft["status"] == "pending" and draft["review_required"] is True
    assert final_deliveries(client, appeal_id) == []


def test_scope_and_role_of_review(client: TestClient, staff_team: StaffTeam) -> None:
    appeal = sharya_appeal(client)
    answers_url = f"/api/v1/appeals/{appeal['id']}/answers"
    draft = client.post(answers_url, json={"text": OTPISKA}, headers=staff_team.headers("sharya.exec")).json()
    # Outside the scope the appeal and its answers do not exist.
    assert client.get(answers_url, headers=staff_team.headers("galich.exec")).status_code == 404
    assert client.post(answers_url, json={"text": PROPER}, headers=staff_team.headers("galich.exec")).status_code == 404
    galich_mod = staff_team.headers("galich.mod")
    assert client.post(f"/api/v1/answers/{draft['id']}/approve", headers=galich_mod).status_code == 404
    assert client.get("/api/v1/answers/review", headers=galich_mod).json() == []
    # Inside the scope but without the right: 403.
    assert (
        client.post(f"/api/v1/answers/{draft['id']}/approve", headers=staff_team.headers("analyst")).status_code == 403
    )
    executor_approves = client.post(f"/api/v1/answers/{draft['id']}/approve", headers=staff_team.headers("sharya.exec"))
    assert executor_approves.status_code == 403
    assert executor_approves.headers["content-type"].startswith("application/problem+json")
    assert client.post(answers_url, json={"text": PROPER}, headers=staff_team.headers("analyst")).status_code == 403
    assert client.get("/api/v1/answers/review", headers=staff_team.headers("sharya.exec")).status_code == 403
    # The regional moderator sees the whole region's queue.
    assert [d["id"] for d in client.get("/api/v1/answers/review", headers=staff_team.headers("regmod")).json()] == [
        draft["id"]
    ]


def test_templates_by_group_and_an_unchanged_template_is_flagged(client: TestClient, staff_team: StaffTeam) -> None:
    executor = staff_team.headers("sharya.exec")
    roads = client.get("/api/v1/answer-templates", params={"group": "Дороги"}, headers=executor)
    assert roads.status_code == 200, roads.text
    found = roads.json()
    assert found and all(t["group"] in ("Дороги", None) for t in found)
    assert any(t["group"] is None for t in found)
    pothole = client.get(
        "/api/v1/answer-templates", params={"group": "Дороги", "topic": "Ямы и выбоины на дороге"}, headers=executor
    ).json()
    assert pothole[0]["topic"] == "Ямы и выбоины на дороге"
    assert all(t["topic"] in ("Ямы и выбоины на дороге", None) for t in pothole)
    assert client.get("/api/v1/answer-templates").status_code == 200  # the admin: any staff
    template = pothole[0]

    appeal = sharya_appeal(client)
    draft = client.post(
        f"/api/v1/appeals/{appeal['id']}/answers",
        json={"text": template["text"], "template_id": template["id"]},
        headers=executor,
    ).json()
    assert "template_unchanged" in {f["code"] for f in draft["flags"]}
    assert draft["status"] == "pending"
    unknown = client.post(
        f"/api/v1/appeals/{appeal['id']}/answers", json={"text": PROPER, "template_id": "нет-такого"}, headers=executor
    )
    assert unknown.status_code == 422
