"""Answers reach the local Bot API exactly once; the rating buttons rate the appeal; 429 and 403 handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from otklik.channels.telegram.sender import TelegramSender
from otklik.clock import FrozenClock
from otklik.domain.access import SYSTEM
from otklik.domain.replies import ReplyKind
from otklik.domain.status import AppealStatus
from otklik.notify.sender import OutboundNotice, TransientDeliveryError
from otklik.notify.worker import DeliveryWorker
from otklik.services.appeals import TransitionRequest, add_reply, change_status, get_detail
from otklik.services.context import ServiceContext

from .conftest import post_update
from .fake_bot_api import CITIZEN, FakeBotApi, callback_update, message_update

pytestmark = pytest.mark.db
POTHOLE = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
ANSWER = "Яма <заделана> 28.11 & проверена: *спасибо* за сообщение."


def _appeal(client: TestClient, ctx: ServiceContext) -> tuple[int, int]:
    update = message_update(text=POTHOLE)
    assert post_update(client, update) == 200
    appeal = client.get("/api/v1/appeals").json()["items"][0]
    if appeal["status"] == "needs_moderation":
        change_status(ctx, SYSTEM, appeal["id"], TransitionRequest(AppealStatus.ASSIGNED, agency_id="adm-34730000"))
    return int(appeal["id"]), int(update["message"]["message_id"])


def test_ack_final_answer_and_rating_keyboard_arrive_once(
    tg_client: TestClient, ctx: ServiceContext, api: FakeBotApi, sender: TelegramSender
) -> None:
    appeal_id, message_id = _appeal(tg_client, ctx)
    senders = {"telegram_bot": sender}
    worker = DeliveryWorker(ctx, senders)
    worker.run_once()
    worker.run_once()
    add_reply(ctx, SYSTEM, appeal_id, kind=ReplyKind.FINAL, text=ANSWER)
    for _ in range(2):
        worker.run_once()
        DeliveryWorker(ctx, senders).run_once()  # a second worker (a restart) finds nothing left

    deliveries = get_detail(ctx, SYSTEM, appeal_id).deliveries
    assert {d.status for d in deliveries} == {"sent"}
    sent = api.sent()
    assert len(sent) == len(deliveries)
    assert all(int(m["chat_id"]) == CITIZEN["id"] for m in sent)
    acks = [m for m in sent if "зарегистрировано под номером" in m["text"]]
    finals = [m for m in sent if ANSWER in m["text"]]  # plain text: < > & * arrive as written
    assert len(acks) == 1 and len(finals) == 1
    assert acks[0]["reply_parameters"]["message_id"] == message_id
    assert "parse_mode" not in finals[0]
    buttons = [b["callback_data"] for row in finals[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"rate:{appeal_id}:{score}" for score in range(1, 6)]
    assert all("reply_markup" not in m for m in acks)


def test_rating_buttons_rate_and_close_the_appeal(tg_client: TestClient, ctx: ServiceContext, api: FakeBotApi) -> None:
    appeal_id, _ = _appeal(tg_client, ctx)
    add_reply(ctx, SYSTEM, appeal_id, kind=ReplyKind.FINAL, text=ANSWER)
    assert post_update(tg_client, callback_update(f"rate:{appeal_id}:4")) == 200
    edited = api.calls_of("editMessageReplyMarkup")[-1]["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in edited] == [f"solved:{appeal_id}:yes:4", f"solved:{appeal_id}:no:4"]
    assert post_update(tg_client, callback_update(f"solved:{appeal_id}:yes:4")) == 200
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert [(r.score, r.solved) for r in detail.ratings] == [(4, True)]
    assert detail.appeal.status == "closed"
    assert post_update(tg_client, callback_update(f"solved:{appeal_id}:no:1")) == 200  # a second press
    assert len(get_detail(ctx, SYSTEM, appeal_id).ratings) == 1
    assert len(api.calls_of("answerCallbackQuery")) == 3


def test_someone_elses_appeal_cannot_be_rated(tg_client: TestClient, ctx: ServiceContext, api: FakeBotApi) -> None:
    appeal_id, _ = _appeal(tg_client, ctx)
    add_reply(ctx, SYSTEM, appeal_id, kind=ReplyKind.FINAL, text=ANSWER)
    assert post_update(tg_client, callback_update(f"solved:{appeal_id}:no:1", chat_id=999)) == 200
    assert get_detail(ctx, SYSTEM, appeal_id).ratings == []
    assert api.calls_of("answerCallbackQuery")[-1]["show_alert"] == "true"


def test_429_is_retried_after_the_time_telegram_asks(
    tg_client: TestClient, ctx: ServiceContext, api: FakeBotApi, sender: TelegramSender
) -> None:
    appeal_id, _ = _appeal(tg_client, ctx)
    clock = FrozenClock(datetime.now(UTC))
    ctx.clock = clock
    api.failures["sendMessage"] = [429]
    worker = DeliveryWorker(ctx, {"telegram_bot": sender})
    worker.run_once()
    first = get_detail(ctx, SYSTEM, appeal_id).deliveries[0]
    assert first.status == "pending" and "retry after" in (first.last_error or "").lower()
    assert first.next_attempt_at.replace(tzinfo=UTC) == clock.now() + timedelta(seconds=1)
    worker.run_once()  # not due yet
    assert len(api.sent()) == 1
    clock.advance(seconds=1)
    worker.run_once()
    assert get_detail(ctx, SYSTEM, appeal_id).deliveries[0].status == "sent"
    assert len(api.sent()) == 2  # the refused attempt and the successful one


def test_blocked_bot_is_a_dead_letter(
    tg_client: TestClient, ctx: ServiceContext, api: FakeBotApi, sender: TelegramSender
) -> None:
    appeal_id, _ = _appeal(tg_client, ctx)
    api.failures["sendMessage"] = [403]
    DeliveryWorker(ctx, {"telegram_bot": sender}).run_once()
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert detail.deliveries[0].status == "dead"
    failed = [e for e in detail.history if e.type == "delivery_failed"]
    assert len(failed) == 1 and "blocked" in (failed[0].reason or "")


def test_sender_maps_429_and_splits_long_answers(api: FakeBotApi, sender: TelegramSender) -> None:
    context = {"kind": "private", "chat_id": CITIZEN["id"], "message_id": 10}
    text = ("Работы выполнены. " * 600).strip()
    notice = OutboundNotice(1, 7, "telegram_bot", "reply_final", {"context": context}, text, "reply:1")
    api.failures["sendMessage"] = [429]
    with pytest.raises(TransientDeliveryError) as error:
        sender.send(notice)
    assert error.value.retry_after == 1
    sender.send(notice)
    parts = api.sent()[1:]
    assert len(parts) == 3 and all(len(p["text"]) <= 4096 for p in parts)
    assert "reply_markup" in parts[-1] and all("reply_markup" not in p for p in parts[:-1])
