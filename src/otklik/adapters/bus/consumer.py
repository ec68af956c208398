"""The consumer side: the Dramatiq actor that runs a batch of outbox events' handlers in `otklik worker`.

At least once: RabbitMQ redelivers a message whose worker died before acknowledging it, and the relay may publish
a row twice. So the actor reads the rows first and skips the finished ones without running anything, the handlers
are idempotent (a message processed twice registers one appeal), and a row is marked done only after its handler
(a batch handler marks it in the very transaction of its change). A failed event is counted on its row and the
whole broker message is retried with backoff; its finished events are skipped on the retry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import dramatiq
import structlog
from dramatiq.brokers.rabbitmq import RabbitmqBroker

from otklik.adapters.bus.broker import (
    EVENT_ACTOR,
    EVENTS_QUEUE,
    MAX_BACKOFF_MS,
    MIN_BACKOFF_MS,
    RUNS_BEFORE_PARKING,
)
from otklik.adapters.db.repositories.outbox import OutboxEvent
from otklik.services.context import ServiceContext
from otklik.services.handlers import BatchHandler, Handler

log = structlog.get_logger(__name__)


class EventsFailed(RuntimeError):
    """Some events of the batch failed: Dramatiq retries the message (the last failure parked their rows)."""


def handle_events(
    ctx: ServiceContext,
    handlers: Mapping[str, Handler],
    batch_handlers: Mapping[str, BatchHandler],
    event_ids: list[int],
) -> None:
    with ctx.uow(readonly=True) as uow:
        events = uow.outbox.unfinished(event_ids)  # re-deliveries of finished events are dropped here
    failures: dict[int, Exception] = {}
    done: list[int] = []
    for topic, group in _by_topic(events).items():
        batch_handler = batch_handlers.get(topic)
        if batch_handler is not None:
            failures.update(batch_handler(ctx, [(event.id, event.payload) for event in group]))
        else:
            _run_one_by_one(ctx, handlers.get(topic), group, done, failures)
    if done:
        with ctx.uow() as uow:
            uow.outbox.claim_many(done, at=ctx.clock.now())
            uow.commit()
    if failures:
        _record_failures(ctx, failures, at=ctx.clock.now())
        raise EventsFailed(f"{len(failures)} of {len(events)} events failed: {sorted(failures)[:10]}")


def _by_topic(events: list[OutboxEvent]) -> dict[str, list[OutboxEvent]]:
    groups: dict[str, list[OutboxEvent]] = {}
    for event in events:
        groups.setdefault(event.topic, []).append(event)
    return groups


def _run_one_by_one(
    ctx: ServiceContext,
    handler: Handler | None,
    events: list[OutboxEvent],
    done: list[int],
    failures: dict[int, Exception],
) -> None:
    for event in events:
        try:
            if handler is not None:
                handler(ctx, event.payload)
        except Exception as error:
            log.exception("consumer.handler_failed", event_id=event.id, topic=event.topic)
            failures[event.id] = error
        else:
            done.append(event.id)


def _record_failures(ctx: ServiceContext, failures: Mapping[int, Exception], *, at: datetime) -> None:
    with ctx.uow() as uow:
        parked = [
            event_id
            for event_id, error in failures.items()
            if uow.outbox.record_failure(event_id, error=repr(error)[:2000], park_after=RUNS_BEFORE_PARKING, at=at)
        ]
        uow.commit()
    if parked:
        log.error("consumer.events_parked", event_ids=parked, runs=RUNS_BEFORE_PARKING)


def declare_consumer(
    broker: RabbitmqBroker,
    ctx: ServiceContext,
    handlers: Mapping[str, Handler],
    batch_handlers: Mapping[str, BatchHandler],
) -> dramatiq.Actor[[list[int] | int], None]:
    """Register the actor on the broker, so a Dramatiq worker on EVENTS_QUEUE runs it."""

    def otklik_outbox_event(event_ids: list[int] | int) -> None:
        # A bare id is a message of an earlier version (one event per message), still on a durable queue.
        handle_events(ctx, handlers, batch_handlers, [event_ids] if isinstance(event_ids, int) else list(event_ids))

    return dramatiq.Actor(
        otklik_outbox_event,
        broker=broker,
        actor_name=EVENT_ACTOR,
        queue_name=EVENTS_QUEUE,
        priority=0,
        options={
            "max_retries": RUNS_BEFORE_PARKING - 1,
            "min_backoff": MIN_BACKOFF_MS,
            "max_backoff": MAX_BACKOFF_MS,
        },
    )
