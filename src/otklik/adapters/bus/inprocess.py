"""In-process bus: after each commit, pending outbox events go to their handlers in this process."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import structlog

from otklik.services.context import ServiceContext

Handler = Callable[[ServiceContext, dict[str, Any]], None]
log = structlog.get_logger(__name__)


class InProcessBus:
    """Handlers run first and the event is marked dispatched after: handlers are idempotent, so an event
    seen twice (two requests draining at once, a crash between) does no harm, and none is lost."""

    synchronous = True

    def __init__(
        self, ctx: ServiceContext, handlers: Mapping[str, Handler], *, batch: int = 100, park_after: int = 5
    ) -> None:
        self._ctx = ctx
        self._handlers = handlers
        self._batch = batch
        self._park_after = park_after  # failed runs before an event is parked with its error

    def _record_failure(self, event_id: int, error: Exception) -> None:
        with self._ctx.uow() as uow:
            parked = uow.outbox.record_failure(
                event_id, error=repr(error)[:2000], park_after=self._park_after, at=self._ctx.clock.now()
            )
            uow.commit()
        if parked:
            log.error("bus.event_parked", event_id=event_id, attempts=self._park_after)

    def after_commit(self) -> None:
        self.drain()

    def drain(self, max_rounds: int = 10) -> int:
        handled = 0
        for _ in range(max_rounds):
            with self._ctx.uow(readonly=True) as uow:
                events = uow.outbox.pending(self._batch)
            if not events:
                break
            for event in events:
                # Through JSON, as a broker would carry it: nothing may pass here that a broker could not.
                payload = json.loads(json.dumps(event.payload))
                handler = self._handlers.get(event.topic)
                try:
                    if handler is not None:
                        handler(self._ctx, payload)
                except Exception as error:
                    log.exception("bus.handler_failed", topic=event.topic, event_id=event.id)
                    self._record_failure(event.id, error)
                    continue
                with self._ctx.uow() as uow:
                    uow.outbox.claim(event.id, at=self._ctx.clock.now())
                    uow.commit()
                handled += 1
        return handled
