"""One database lookup of a bearer token at a time per process, however many requests need it (docs/ingestion.md).

When a remembered token's bound ended, every request in flight with it missed at once and each looked it up in
the thread pool: 32 lookups competing with the accept batches, the whole gateway stalled together, every five
seconds. Now the requests that need a lookup share one, and a token in the last second of its bound is refreshed
in the background while the remembered principal still answers (services/bearer_cache.py)."""

from __future__ import annotations

import asyncio

import structlog
from starlette.concurrency import run_in_threadpool

from otklik.domain.access import Principal
from otklik.services import staff
from otklik.services.context import ServiceContext

log = structlog.get_logger(__name__)

Lookup = asyncio.Task[Principal | None]


class BearerLookups:
    """Lives on the app (one event loop); the lookups themselves run in the thread pool."""

    def __init__(self) -> None:
        self._in_flight: dict[str, Lookup] = {}

    async def resolve(self, ctx: ServiceContext, token: str) -> Principal | None:
        """The token's principal from the database, sharing a lookup already under way."""
        # Shielded: a request whose client went away must not cancel the lookup the others wait for.
        return await asyncio.shield(self._lookup(ctx, token))

    def refresh(self, ctx: ServiceContext, token: str) -> None:
        """Start a lookup in the background unless one is under way; its answer replaces the remembered one."""
        self._lookup(ctx, token)

    def _lookup(self, ctx: ServiceContext, token: str) -> Lookup:
        task = self._in_flight.get(token)
        if task is None:
            task = asyncio.ensure_future(run_in_threadpool(staff.principal_of_bearer, ctx, token, fresh=True))
            self._in_flight[token] = task
            task.add_done_callback(lambda done: self._finished(token, done))
        return task

    def _finished(self, token: str, task: Lookup) -> None:
        self._in_flight.pop(token, None)
        if not task.cancelled() and task.exception() is not None:  # retrieved here, so a refresh nobody awaits
            log.warning("auth.bearer_lookup_failed", error=repr(task.exception()))  # is logged, not lost
