"""The deadline scanner as a background job of `otklik serve`: one scan a minute. Several processes may run it
at once — each reminder is recorded under a unique key, so it still fires once (services/deadline_scan.py)."""

from __future__ import annotations

import threading

import structlog

from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import scan_deadlines
from otklik.workers.channel_jobs import BackgroundJob

log = structlog.get_logger(__name__)


def deadline_job(ctx: ServiceContext, *, interval_seconds: float = 60.0) -> BackgroundJob:
    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                scan_deadlines(ctx)
            except Exception:  # a failed scan is retried on the next tick; the service keeps serving
                log.exception("deadline.scan_failed")
            stop.wait(interval_seconds)

    return BackgroundJob("deadline-scanner", run)
