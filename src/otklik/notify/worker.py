"""The delivery worker: sends due notices with retries and backoff; dead letters show in the appeal's history."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta

import structlog

from otklik.adapters.db.repositories.deliveries import Delivery
from otklik.domain.events import AppealEvent, EventType
from otklik.notify.rate_limit import SendLimiter, SharedSendLimits
from otklik.notify.sender import ChannelSender, DeliveryError, OutboundNotice, TransientDeliveryError
from otklik.services.context import ServiceContext

log = structlog.get_logger(__name__)


class DeliveryWorker:
    def __init__(self, ctx: ServiceContext, senders: Mapping[str, ChannelSender], *, batch: int = 50) -> None:
        self._ctx = ctx
        self._senders = dict(senders)
        # Shared with every other process's delivery worker through the database (notify/rate_limit.py).
        self._limits: SendLimiter = SharedSendLimits(
            ctx.uow, {name: sender.rate_per_second for name, sender in self._senders.items()}
        )
        self._batch = batch

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        try:
            while not stop.is_set():
                try:
                    self.recover_interrupted()
                    sent = self.run_once()
                except Exception:  # a broken round must not stop delivery for good
                    log.exception("delivery.round_failed")
                    sent = 0
                if not sent:
                    stop.wait(interval)
        finally:
            self.close()

    def close(self) -> None:
        for sender in self._senders.values():
            close = getattr(sender, "close", None)
            if callable(close):
                close()

    def recover_interrupted(self) -> int:
        """Sends cut off by a crash: resent where the channel drops repeats itself, otherwise reported as dead
        (a second copy in a citizen's chat is worse than a visible «not delivered» in the appeal's history)."""
        timeout = timedelta(seconds=self._ctx.settings.delivery_sending_timeout_seconds)
        now = self._ctx.clock.now()
        with self._ctx.uow(readonly=True) as uow:
            stuck = uow.deliveries.interrupted(now - timeout, self._batch)
        for delivery in stuck:
            sender = self._senders.get(delivery.channel)
            if sender is not None and getattr(sender, "deduplicates", False):
                with self._ctx.uow() as uow:
                    uow.deliveries.release(delivery.id, at=now)
                    uow.commit()
            else:
                self._failed(delivery, _Interrupted("interrupted while sending; not resent to avoid a duplicate"))
        return len(stuck)

    def run_once(self) -> int:
        """One round over due deliveries; returns how many were attempted."""
        with self._ctx.uow(readonly=True) as uow:
            due = uow.deliveries.due(self._ctx.clock.now(), self._batch)
        attempted = 0
        held_back: set[str] = set()  # a channel over its rate is not asked again in this round
        for delivery in due:
            if delivery.channel in held_back:
                continue
            if self._limits.try_take(delivery.channel) > 0:
                held_back.add(delivery.channel)  # over the channel's rate: it stays due for the next round
                continue
            if self._deliver(delivery):
                attempted += 1
        return attempted

    def _deliver(self, delivery: Delivery) -> bool:
        with self._ctx.uow() as uow:
            if not uow.deliveries.claim(delivery.id, attempts=delivery.attempts, at=self._ctx.clock.now()):
                return False  # another worker has it
            uow.commit()
        sender = self._senders.get(delivery.channel)
        try:
            if sender is None:
                raise _NoSender(f"no sender is configured for channel {delivery.channel!r}")
            ref = sender.send(_notice(delivery))
        except DeliveryError as error:
            self._failed(delivery, error)
            return True
        with self._ctx.uow() as uow:
            uow.deliveries.mark_sent(delivery.id, at=self._ctx.clock.now(), external_ref=ref)
            uow.commit()
        log.info("delivery.sent", delivery_id=delivery.id, appeal_id=delivery.appeal_id, channel=delivery.channel)
        return True

    def _failed(self, delivery: Delivery, error: DeliveryError) -> None:
        attempts = delivery.attempts + 1
        now = self._ctx.clock.now()
        reason = str(error)
        with self._ctx.uow() as uow:
            if error.retryable and attempts < self._ctx.settings.delivery_max_attempts:
                next_at = now + self._backoff(attempts, error)
                uow.deliveries.mark_retry(delivery.id, next_attempt_at=next_at, error=reason)
                log.warning("delivery.retry", delivery_id=delivery.id, attempts=attempts, error=reason)
            else:
                uow.deliveries.mark_dead(delivery.id, error=reason)
                uow.appeals.add_event(_dead_letter_event(delivery, now, reason, attempts))
                log.error("delivery.dead", delivery_id=delivery.id, appeal_id=delivery.appeal_id, error=reason)
            uow.commit()

    def _backoff(self, attempts: int, error: DeliveryError) -> timedelta:
        if isinstance(error, TransientDeliveryError) and error.retry_after:
            return timedelta(seconds=error.retry_after)
        return timedelta(seconds=self._ctx.settings.delivery_backoff_seconds * 2 ** (attempts - 1))


class _NoSender(DeliveryError):
    retryable = False


class _Interrupted(DeliveryError):
    retryable = False


def _notice(delivery: Delivery) -> OutboundNotice:
    return OutboundNotice(
        delivery_id=delivery.id,
        appeal_id=delivery.appeal_id,
        channel=delivery.channel,
        kind=delivery.kind,
        recipient=delivery.recipient,
        text=delivery.text,
        idempotency_key=delivery.idempotency_key,
    )


def _dead_letter_event(delivery: Delivery, at: datetime, reason: str, attempts: int) -> AppealEvent:
    return AppealEvent(
        delivery.appeal_id,
        EventType.DELIVERY_FAILED.value,
        at,
        "system",
        reason=f"уведомление не доставлено: {reason}",
        data={"delivery_id": delivery.id, "channel": delivery.channel, "kind": delivery.kind, "attempts": attempts},
    )
