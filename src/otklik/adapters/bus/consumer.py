"""The consumer side: the Dramatiq actor that runs the outbox event's handler in `otklik worker`.

At least once: RabbitMQ redelivers a message whose worker died before acknowledging it, and the relay may publish
a row twice. So the actor reads the row first and acknowledges a finished one without running anything, the
handlers are idempotent (a message processed twice registers one appeal), and the row is marked done last."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
from otklik.services.context import ServiceContext

Handler = Callable[[ServiceContext, dict[str, Any]], None]
log = structlog.get_logger(__name__)


def handle_event(ctx: ServiceContext, handlers: Mapping[str, Handler], event_id: int) -> None:
    with ctx.uow(readonly=True) as uow:
        found = uow.outbox.get(event_id)
    if found is None:
        log.warning("consumer.event_missing", event_id=event_id)
        return
    event, finished = found
    if finished:
        return  # a re-delivery of an event already handled (or parked)
    handler = handlers.get(event.topic)
    try:
        if handler is not None:
            handler(ctx, event.payload)
    except Exception as error:
        _record_failure(ctx, event_id, error)
        raise  # Dramatiq retries it with backoff; the last failure parked the row and dead-letters the message
    with ctx.uow() as uow:
        uow.outbox.claim(event_id, at=ctx.clock.now())
        uow.commit()


def _record_failure(ctx: ServiceContext, event_id: int, error: Exception) -> None:
    log.exception("consumer.handler_failed", event_id=event_id)
    with ctx.uow() as uow:
        parked = uow.outbox.record_failure(
            event_id, error=repr(error)[:2000], park_after=RUNS_BEFORE_PARKING, at=ctx.clock.now()
        )
        uow.commit()
    if parked:
        log.error("consumer.event_parked", event_id=event_id, runs=RUNS_BEFORE_PARKING)


def declare_consumer(
    broker: RabbitmqBroker, ctx: ServiceContext, handlers: Mapping[str, Handler]
) -> dramatiq.Actor[[int], None]:
    """Register the actor on the broker, so a Dramatiq worker on EVENTS_QUEUE runs it."""

    def otklik_outbox_event(event_id: int) -> None:
        handle_event(ctx, handlers, event_id)

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
