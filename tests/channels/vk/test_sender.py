"""Answers reach the local VK server exactly once: acknowledgement and final answer under the citizen's comment."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from otklik.channels.vk.formatting import split_text
from otklik.channels.vk.sender import VkSender, random_id
from otklik.channels.vk.settings import VkSettings
from otklik.domain.access import SYSTEM
from otklik.domain.replies import ReplyKind
from otklik.domain.status import AppealStatus
from otklik.notify.sender import OutboundNotice, PermanentDeliveryError, TransientDeliveryError
from otklik.notify.worker import DeliveryWorker
from otklik.services.appeals import TransitionRequest, add_reply, change_status, get_detail
from otklik.services.context import ServiceContext

from .conftest import GROUP_ID, sample
from .fake_vk import FakeVk

pytestmark = pytest.mark.db
ANSWER = "Яма на улице Советской заделана 28.11, проверено выездом."


def _appeal_from_comment(vk_client: TestClient, ctx: ServiceContext) -> int:
    assert vk_client.post("/channels/vk/callback", json=sample("wall_reply_new")).text == "ok"
    appeal = vk_client.get("/api/v1/appeals").json()["items"][0]
    if appeal["status"] == "needs_moderation":
        change_status(ctx, SYSTEM, appeal["id"], TransitionRequest(AppealStatus.ASSIGNED, agency_id="adm-34730000"))
    return int(appeal["id"])


def test_ack_and_final_answer_arrive_once_under_the_comment(
    vk_client: TestClient, ctx: ServiceContext, vk: FakeVk, settings: VkSettings
) -> None:
    appeal_id = _appeal_from_comment(vk_client, ctx)
    senders = {"vk": VkSender(settings)}
    worker = DeliveryWorker(ctx, senders)
    worker.run_once()
    worker.run_once()
    DeliveryWorker(ctx, senders).run_once()  # a second worker instance (a restart) finds nothing to send
    add_reply(ctx, SYSTEM, appeal_id, kind=ReplyKind.FINAL, text=ANSWER)
    for _ in range(2):
        worker.run_once()
        DeliveryWorker(ctx, senders).run_once()

    deliveries = get_detail(ctx, SYSTEM, appeal_id).deliveries
    assert {d.status for d in deliveries} == {"sent"}
    assert {"ack", "reply_final"} <= {d.kind for d in deliveries}
    posted = vk.calls_of("wall.createComment")
    assert len(posted) == len(deliveries) == len(vk.created)
    for params in posted:
        assert params["owner_id"] == str(-GROUP_ID) and params["post_id"] == "1187"
        assert params["reply_to_comment"] == "5021" and params["from_group"] == str(GROUP_ID)
    texts = [p["message"] for p in posted]
    assert sum("зарегистрировано под номером" in t for t in texts) == 1
    assert sum(ANSWER in t for t in texts) == 1


def test_error_6_is_retried_inside_one_send(
    vk_client: TestClient, ctx: ServiceContext, vk: FakeVk, settings: VkSettings
) -> None:
    _appeal_from_comment(vk_client, ctx)
    vk.failures["wall.createComment"] = [6]
    DeliveryWorker(ctx, {"vk": VkSender(settings)}).run_once()
    assert len(vk.calls_of("wall.createComment")) == 2 and len(vk.created) == 1


def _notice(kind: str = "message", text: str = "Ответ", key: str = "reply:1") -> OutboundNotice:
    context = {"kind": kind, "peer_id": 178907777, "owner_id": -GROUP_ID, "post_id": 1187, "comment_id": 5021}
    return OutboundNotice(1, 1, "vk", "reply_final", {"channel": "vk", "context": context}, text, key)


def test_private_message_uses_a_stable_random_id(vk: FakeVk, settings: VkSettings) -> None:
    sender = VkSender(settings)
    first = sender.send(_notice())
    again = sender.send(_notice())  # a resend after a crash: VK drops it by random_id
    assert first == again and len(vk.created) == 1
    assert vk.created[0]["random_id"] == str(random_id("reply:1"))
    assert vk.created[0]["peer_id"] == "178907777"


def test_failures_map_to_transient_and_permanent(vk: FakeVk, settings: VkSettings) -> None:
    vk.failures["messages.send"] = [9] * (settings.max_retries + 1)
    with pytest.raises(TransientDeliveryError):
        VkSender(settings).send(_notice())
    with pytest.raises(PermanentDeliveryError, match=r"\[5\]"):
        VkSender(settings.model_copy(update={"access_token": SecretStr("bad")})).send(_notice())
    with pytest.raises(PermanentDeliveryError):
        VkSender(settings).send(_notice(kind="unknown"))


def test_auth_error_becomes_a_dead_letter_in_the_history(
    vk_client: TestClient, ctx: ServiceContext, settings: VkSettings
) -> None:
    appeal_id = _appeal_from_comment(vk_client, ctx)
    DeliveryWorker(ctx, {"vk": VkSender(settings.model_copy(update={"access_token": SecretStr("bad")}))}).run_once()
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert detail.deliveries[0].status == "dead"
    failed = [e for e in detail.history if e.type == "delivery_failed"]
    assert len(failed) == 1 and "[5]" in (failed[0].reason or "")
    assert "bad" not in (failed[0].reason or "").replace("authorization", "")


def test_long_answers_are_split_within_vk_limits(vk: FakeVk, settings: VkSettings) -> None:
    text = ("Работы выполнены по адресу. " * 200).strip()
    parts = split_text(text, settings.comment_max_length)
    assert len(parts) > 1 and all(len(p) <= settings.comment_max_length for p in parts)
    assert parts[0].endswith(f"(1/{len(parts)})")
    VkSender(settings).send(_notice(kind="wall_reply", text=text))
    assert len(vk.created) == len(parts)
    assert all(len(p["message"]) <= settings.comment_max_length for p in vk.created)
