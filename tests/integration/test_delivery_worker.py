"""The delivery outbox: each notice goes out once, failures retry with backoff, dead letters reach the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from otklik.clock import FrozenClock
from otklik.domain.access import SYSTEM
from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage
from otklik.notify.sender import OutboundNotice, PermanentDeliveryError, TransientDeliveryError
from otklik.notify.worker import DeliveryWorker
from otklik.services.appeals import get_detail
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message
from otklik.services.registration import process_message

pytestmark = pytest.mark.db


@dataclass
class RecordingSender:
    """Stands in for a channel here; the channels' own tests use real protocol servers."""

    channel: str = "vk"
    rate_per_second: float = 1000.0
    failures: list[Exception] = field(default_factory=list)
    sent: list[OutboundNotice] = field(default_factory=list)

    def send(self, notice: OutboundNotice) -> str | None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(notice)
        return f"ref-{len(self.sent)}"


def _register(ctx: ServiceContext, external_id: str = "c-1") -> int:
    message = InboundMessage(
        Channel.VK,
        external_id,
        "Прорыв трубы на улице Ленина в Буе, вода заливает двор",
        datetime(2026, 11, 27, 10, tzinfo=UTC),
        Author(name="Анна", external_id="77"),
        context={"owner_id": -1, "post_id": 5, "comment_id": 9},
    )
    decision = receive_message(ctx, message)
    assert decision.appeal_id is not None
    return decision.appeal_id


def test_acknowledgement_goes_out_once_even_with_two_workers(ctx: ServiceContext) -> None:
    appeal_id = _register(ctx)
    sender = RecordingSender()
    first, second = DeliveryWorker(ctx, {"vk": sender}), DeliveryWorker(ctx, {"vk": sender})
    assert first.run_once() == 1
    assert second.run_once() == 0 and first.run_once() == 0
    assert len(sender.sent) == 1
    notice = sender.sent[0]
    assert notice.kind == "ack" and "44-" in notice.text and "Ответ ожидается" in notice.text
    assert notice.recipient["context"] == {"owner_id": -1, "post_id": 5, "comment_id": 9}
    delivery = get_detail(ctx, SYSTEM, appeal_id).deliveries[0]
    assert (delivery.status, delivery.external_ref, delivery.attempts) == ("sent", "ref-1", 1)


def test_transient_failure_retries_after_backoff(ctx: ServiceContext) -> None:
    clock = FrozenClock(datetime(2026, 11, 27, 12, tzinfo=UTC))
    ctx.clock = clock
    _register(ctx)
    sender = RecordingSender(failures=[TransientDeliveryError("429 too many requests")])
    worker = DeliveryWorker(ctx, {"vk": sender})
    assert worker.run_once() == 1 and not sender.sent
    assert worker.run_once() == 0, "not due before the backoff has passed"
    clock.advance(seconds=ctx.settings.delivery_backoff_seconds + 1)
    assert worker.run_once() == 1 and len(sender.sent) == 1


def test_permanent_failure_is_a_dead_letter_in_the_history(ctx: ServiceContext) -> None:
    appeal_id = _register(ctx)
    sender = RecordingSender(failures=[PermanentDeliveryError("the user blocked the bot")])
    DeliveryWorker(ctx, {"vk": sender}).run_once()
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert detail.deliveries[0].status == "dead"
    failed = [e for e in detail.history if e.type == "delivery_failed"]
    assert len(failed) == 1 and "blocked" in (failed[0].reason or "")


def test_retries_end_in_a_dead_letter(ctx: ServiceContext) -> None:
    clock = FrozenClock(datetime(2026, 11, 27, 12, tzinfo=UTC))
    ctx.clock = clock
    appeal_id = _register(ctx)
    attempts = ctx.settings.delivery_max_attempts
    sender = RecordingSender(failures=[TransientDeliveryError("timeout") for _ in range(attempts)])
    worker = DeliveryWorker(ctx, {"vk": sender})
    for _ in range(attempts):
        worker.run_once()
        clock.advance(days=1)
    assert get_detail(ctx, SYSTEM, appeal_id).deliveries[0].status == "dead"
    assert not sender.sent


def test_channel_without_a_sender_is_reported_not_retried(ctx: ServiceContext) -> None:
    appeal_id = _register(ctx)
    DeliveryWorker(ctx, {}).run_once()
    delivery = get_detail(ctx, SYSTEM, appeal_id).deliveries[0]
    assert delivery.status == "dead" and "no sender" in (delivery.last_error or "")


def test_rate_limit_holds_back_the_rest(ctx: ServiceContext) -> None:
    for i in range(5):
        _register(ctx, f"c-{i}")
    sender = RecordingSender(rate_per_second=0.001)  # one token, then nothing for a long time
    assert DeliveryWorker(ctx, {"vk": sender}).run_once() == 1
    assert len(sender.sent) == 1


def test_processing_a_message_twice_changes_nothing(ctx: ServiceContext) -> None:
    appeal_id = _register(ctx)
    detail_before = get_detail(ctx, SYSTEM, appeal_id)
    message_id = detail_before.appeal.message_id
    process_message(ctx, message_id)  # a broker redelivering "message.received"
    detail_after = get_detail(ctx, SYSTEM, appeal_id)
    assert len(detail_after.history) == len(detail_before.history)
    assert len(detail_after.deliveries) == 1


@dataclass
class DeduplicatingSender(RecordingSender):
    deduplicates: bool = True


def _interrupt_ack(ctx: ServiceContext, clock: FrozenClock) -> int:
    """A worker claims the acknowledgement and dies before it can record the result."""
    appeal_id = _register(ctx)
    delivery = get_detail(ctx, SYSTEM, appeal_id).deliveries[0]
    with ctx.uow() as uow:
        assert uow.deliveries.claim(delivery.id, attempts=delivery.attempts, at=clock.now())
        uow.commit()
    clock.advance(seconds=ctx.settings.delivery_sending_timeout_seconds + 1)
    return appeal_id


def test_interrupted_send_is_resent_where_the_channel_drops_repeats(ctx: ServiceContext) -> None:
    clock = FrozenClock(datetime(2026, 11, 27, 12, tzinfo=UTC))
    ctx.clock = clock
    appeal_id = _interrupt_ack(ctx, clock)
    sender = DeduplicatingSender()
    worker = DeliveryWorker(ctx, {"vk": sender})
    assert worker.recover_interrupted() == 1
    assert worker.run_once() == 1
    assert len(sender.sent) == 1 and get_detail(ctx, SYSTEM, appeal_id).deliveries[0].status == "sent"


def test_interrupted_send_is_reported_where_a_repeat_would_duplicate(ctx: ServiceContext) -> None:
    clock = FrozenClock(datetime(2026, 11, 27, 12, tzinfo=UTC))
    ctx.clock = clock
    appeal_id = _interrupt_ack(ctx, clock)
    sender = RecordingSender()
    worker = DeliveryWorker(ctx, {"vk": sender})
    assert worker.recover_interrupted() == 1
    assert worker.run_once() == 0 and not sender.sent
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert detail.deliveries[0].status == "dead"
    assert any(e.type == "delivery_failed" and "interrupted" in (e.reason or "") for e in detail.history)


def test_demo_senders_stand_in_only_where_no_real_sender_is_configured(ctx: ServiceContext) -> None:
    from otklik.demo.senders import DemoSender, with_demo_senders

    real = RecordingSender()
    senders = with_demo_senders({"vk": real})
    assert senders["vk"] is real
    assert isinstance(senders["telegram_bot"], DemoSender) and "hotline" not in senders
    appeal_id = _register(ctx)
    assert DeliveryWorker(ctx, senders).run_once() == 1
    assert get_detail(ctx, SYSTEM, appeal_id).deliveries[0].status == "sent" and len(real.sent) == 1
