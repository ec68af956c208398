"""Portal submissions with photos, own appeals only, answers and notices, rating and the reopen window."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from portal_support import PORTAL, POTHOLE, citizen, login, png

from otklik.channels.portal.sender import build_sender
from otklik.clock import FrozenClock
from otklik.domain.access import SYSTEM
from otklik.notify.worker import DeliveryWorker
from otklik.services import appeals as appeal_service
from otklik.services.citizens import appeals_of_channel_user
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
ANSWER = "Яма заделана 30 ноября, проверьте, пожалуйста."


def submit(client: TestClient, headers: dict[str, str], **extra: object) -> dict[str, object]:
    response = client.post(f"{PORTAL}/appeals", json={**POTHOLE, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def answer(ctx: ServiceContext, appeal_id: int) -> None:
    appeal_service.add_reply(ctx, SYSTEM, appeal_id, kind=appeal_service.ReplyKind.FINAL, text=ANSWER)


def test_submission_with_a_real_png(client: TestClient, ctx: ServiceContext, portal_env: Path) -> None:
    headers = citizen(client, "anna@example.org")
    image = png()
    response = client.post(
        f"{PORTAL}/appeals",
        data={"text": POTHOLE["text"], "address": "Шарья, ул. Советская, 5"},
        files=[("photos", ("яма.png", image, "image/png"))],
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"].startswith("44-") and body["status_label"]
    assert body["number"] in body["notice"] and "Ответ ожидается до" in body["notice"]
    assert body["attachments"] == [{"filename": "яма.png", "content_type": "image/png", "size": len(image)}]
    stored = list(portal_env.rglob("*.png"))
    assert len(stored) == 1 and stored[0].read_bytes() == image
    with ctx.uow(readonly=True) as uow:
        appeal = uow.appeals.get(body["id"])
        assert appeal is not None
        message = uow.messages.get(appeal.message_id)
    assert message is not None and message.message.attachments[0].content_type == "image/png"
    assert message.message.attachments[0].storage_key == str(stored[0].relative_to(portal_env))


@pytest.mark.parametrize(
    ("files", "status", "fragment"),
    [
        ([("photos", ("fake.jpg", b"this is text, not a photo", "image/jpeg"))], 415, "fake.jpg"),
        ([("photos", ("big.png", png() + b"\0" * 100_001, "image/png"))], 413, "МБ"),
        ([("photos", ("lie.jpg", png(), "image/jpeg"))], 415, "image/png"),
        ([("photos", (f"{i}.png", png(), "image/png")) for i in range(6)], 422, "5"),
    ],
)
def test_bad_photos_are_refused(
    client: TestClient, portal_env: Path, files: list[tuple[str, tuple[str, bytes, str]]], status: int, fragment: str
) -> None:
    headers = citizen(client, "anna@example.org")
    response = client.post(f"{PORTAL}/appeals", data={"text": POTHOLE["text"]}, files=files, headers=headers)
    assert response.status_code == status, response.text
    assert fragment in response.json()["detail"]
    assert client.get(f"{PORTAL}/appeals", headers=headers).json() == []
    assert not list(portal_env.rglob("*.*"))


def test_invalid_submissions(client: TestClient) -> None:
    headers = citizen(client, "anna@example.org")
    assert client.post(f"{PORTAL}/appeals", json={"text": "  "}, headers=headers).status_code == 422
    assert client.post(f"{PORTAL}/appeals", json={"text": "яма", "lat": 55.75}, headers=headers).status_code == 422
    assert client.post(f"{PORTAL}/appeals", json={"txt": "яма"}, headers=headers).status_code == 422
    assert client.post(f"{PORTAL}/appeals", json=POTHOLE).status_code == 401


def test_a_retry_with_the_same_key_is_one_appeal(client: TestClient) -> None:
    headers = {**citizen(client, "anna@example.org"), "Idempotency-Key": "form-1"}
    first = client.post(f"{PORTAL}/appeals", json=POTHOLE, headers=headers)
    again = client.post(f"{PORTAL}/appeals", json=POTHOLE, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(client.get(f"{PORTAL}/appeals", headers=headers).json()) == 1
    other = {**citizen(client, "boris@example.org"), "Idempotency-Key": "form-1"}
    assert client.post(f"{PORTAL}/appeals", json=POTHOLE, headers=other).json()["id"] != first.json()["id"]


def test_citizens_see_only_their_own_appeals(client: TestClient, ctx: ServiceContext) -> None:
    anna = citizen(client, "anna@example.org")
    boris = citizen(client, "boris@example.org")
    annas = submit(client, anna)
    boris_appeal = submit(client, boris, text="Не горят фонари во дворе в Галиче, темно")
    assert [a["id"] for a in client.get(f"{PORTAL}/appeals", headers=anna).json()] == [annas["id"]]
    assert client.get(f"{PORTAL}/appeals/{boris_appeal['id']}", headers=anna).status_code == 404
    assert client.get(f"{PORTAL}/appeals/999999", headers=anna).status_code == 404
    rating = client.post(
        f"{PORTAL}/appeals/{boris_appeal['id']}/rating", json={"score": 1, "solved": False}, headers=anna
    )
    assert rating.status_code == 404
    assert client.post(f"{PORTAL}/appeals/{boris_appeal['id']}/reopen", json={}, headers=anna).status_code == 404
    me = client.get(f"{PORTAL}/me", headers=anna).json()
    linked = appeals_of_channel_user(ctx, "portal", f"account:{me['id']}")
    assert [a.id for a in linked] == [annas["id"]]


def test_answer_reaches_the_portal_exactly_once_and_the_citizen_rates_it(
    client: TestClient, ctx: ServiceContext
) -> None:
    headers = citizen(client, "anna@example.org")
    appeal = submit(client, headers)
    answer(ctx, int(str(appeal["id"])))
    worker = DeliveryWorker(ctx, {"portal": build_sender(ctx.settings)})
    worker.run_once()
    worker.run_once()
    detail = client.get(f"{PORTAL}/appeals/{appeal['id']}", headers=headers).json()
    assert detail["status"] == "resolved" and detail["answers"][0]["text"] == ANSWER
    finals = [n for n in detail["notices"] if n["kind"] == "reply_final"]
    assert len(finals) == 1 and ANSWER in finals[0]["text"] and finals[0]["status"] == "sent"
    assert all(n["status"] == "sent" for n in detail["notices"])
    assert detail["history"][0]["status"] == "new"
    assert "explanation" not in detail
    rated = client.post(f"{PORTAL}/appeals/{appeal['id']}/rating", json={"score": 5, "solved": True}, headers=headers)
    assert rated.status_code == 201 and rated.json()["status"] == "closed"
    assert rated.json()["ratings"][0]["score"] == 5


def test_rating_before_an_answer_is_refused(client: TestClient) -> None:
    headers = citizen(client, "anna@example.org")
    appeal = submit(client, headers)
    response = client.post(
        f"{PORTAL}/appeals/{appeal['id']}/rating", json={"score": 4, "solved": True}, headers=headers
    )
    assert response.status_code == 422 and "final answer" in response.json()["detail"]
    reopen = client.post(f"{PORTAL}/appeals/{appeal['id']}/reopen", json={}, headers=headers)
    assert reopen.status_code == 409 and "окончательного ответа" in reopen.json()["detail"]


def test_reopen_within_the_window(client: TestClient, ctx: ServiceContext) -> None:
    ctx.clock = FrozenClock(ctx.clock.now())
    headers = citizen(client, "anna@example.org")
    appeal = submit(client, headers)
    answer(ctx, int(str(appeal["id"])))
    ctx.clock.advance(days=ctx.settings.reopen_days - 1)
    headers = login(client, "anna@example.org")  # the first session has expired by now
    response = client.post(f"{PORTAL}/appeals/{appeal['id']}/reopen", json={"comment": "Яма снова"}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "reopened" and body["status_label"] == "Возвращено в работу"
    assert any(n["kind"] == "status" and "возвращено в работу" in n["text"] for n in body["notices"])


def test_reopen_after_the_window_is_409(client: TestClient, ctx: ServiceContext) -> None:
    ctx.clock = FrozenClock(ctx.clock.now())
    headers = citizen(client, "anna@example.org")
    appeal = submit(client, headers)
    answer(ctx, int(str(appeal["id"])))
    ctx.clock.advance(days=ctx.settings.reopen_days + 1)
    headers = login(client, "anna@example.org")
    response = client.post(f"{PORTAL}/appeals/{appeal['id']}/reopen", json={}, headers=headers)
    assert response.status_code == 409
    assert f"{ctx.settings.reopen_days} дней" in response.json()["detail"]
    assert client.get(f"{PORTAL}/appeals/{appeal['id']}", headers=headers).json()["status"] == "resolved"


def test_not_solved_rating_within_the_window_reopens(client: TestClient, ctx: ServiceContext) -> None:
    headers = citizen(client, "anna@example.org")
    appeal = submit(client, headers)
    answer(ctx, int(str(appeal["id"])))
    rated = client.post(
        f"{PORTAL}/appeals/{appeal['id']}/rating", json={"score": 1, "solved": False, "comment": "нет"}, headers=headers
    )
    assert rated.status_code == 201 and rated.json()["status"] == "reopened"
