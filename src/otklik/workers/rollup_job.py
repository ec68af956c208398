"""The dashboard rollup's fold as a background job of the lease holder: every ROLLUP_FOLD_SECONDS it moves the
pending deltas that changes of appeals appended into the day's cells (repositories/analytics_rollup.py). The
dashboard sums cells and pending rows, so it is exact whether or not a fold has run; folding keeps the pending
tables small (a few seconds of changes) and their reading cheap."""

from __future__ import annotations

import threading

import structlog

from otklik.adapters.db.repositories.analytics_rollup import FOLD_BATCH, fold_pending
from otklik.services.context import ServiceContext
from otklik.workers.channel_jobs import BackgroundJob

log = structlog.get_logger(__name__)
ROLLUP_FOLD_SECONDS = 2.0
MAX_BATCHES_A_TICK = 20  # a backlog (the lease was vacant a while) is caught up in bounded steps


def rollup_fold_job(ctx: ServiceContext, *, interval_seconds: float = ROLLUP_FOLD_SECONDS) -> BackgroundJob:
    engine = ctx.uow.engine

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                for _ in range(MAX_BATCHES_A_TICK):
                    with engine.begin() as connection:
                        moved = fold_pending(connection)
                    if moved < FOLD_BATCH or stop.is_set():
                        break
            except Exception:  # the database is away: the deltas wait (and still count) until the next tick
                log.exception("rollup.fold_failed")
            stop.wait(interval_seconds)

    return BackgroundJob("rollup-fold", run)
