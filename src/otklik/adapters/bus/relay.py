"""The outbox relay: committed outbox rows to the broker, in batches, at least once.

Each round takes up to `batch` unpublished rows (locked with SKIP LOCKED, so a second relay during a lease
hand-over takes other rows), publishes their ids with confirms, EVENTS_PER_MESSAGE to a broker message, and marks
them published in the same short transaction.
A crash between publish and commit publishes those rows again: the workers' idempotent handlers absorb that."""

from __future__ import annotations

import threading
from datetime import timedelta

import structlog
from dramatiq.brokers.rabbitmq import RabbitmqBroker

from otklik.adapters.bus.broker import EVENTS_PER_MESSAGE, event_message
from otklik.services.context import ServiceContext

log = structlog.get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        ctx: ServiceContext,
        broker: RabbitmqBroker,
        *,
        batch: int = 500,
        per_message: int = EVENTS_PER_MESSAGE,
        idle_seconds: float = 0.1,
        republish_after: timedelta = timedelta(minutes=2),
    ) -> None:
        self._ctx = ctx
        self._broker = broker
        self._batch = batch
        self._per_message = per_message
        self._idle_seconds = idle_seconds
        # Published but not done after this long: the broker lost it (or never had it): publish again.
        self._republish_after = republish_after

    def publish_once(self) -> int:
        now = self._ctx.clock.now()
        with self._ctx.uow() as uow:
            ids = uow.outbox.claim_for_publishing(self._batch, republish_before=now - self._republish_after, at=now)
            for start in range(0, len(ids), self._per_message):
                self._broker.enqueue(event_message(ids[start : start + self._per_message]))
            if ids:
                uow.commit()
        return len(ids)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                published = self.publish_once()
            except Exception:  # the broker or the database is away: the rows stay pending and go next round
                log.exception("relay.publish_failed")
                stop.wait(1.0)
                continue
            if published < self._batch:
                stop.wait(self._idle_seconds)
