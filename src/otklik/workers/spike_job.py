"""The spike detector as a background job of `otklik serve`: one scan every OTKLIK_SPIKE_SCAN_SECONDS. Several
processes may run it at once — the open alert of a municipality × group is unique in the database."""

from __future__ import annotations

import threading

import structlog

from otklik.services.context import ServiceContext
from otklik.services.spike_alerts import scan_spikes
from otklik.workers.channel_jobs import BackgroundJob

log = structlog.get_logger(__name__)


def spike_job(ctx: ServiceContext, *, interval_seconds: float | None = None) -> BackgroundJob:
    interval = interval_seconds if interval_seconds is not None else ctx.settings.spike_scan_seconds

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                scan_spikes(ctx)
            except Exception:  # a failed scan is retried on the next tick; the service keeps serving
                log.exception("spikes.scan_failed")
            stop.wait(interval)

    return BackgroundJob("spike-detector", run)
