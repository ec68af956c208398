"""Polling the governor's page and the listed communities as a background job of `otklik serve`."""

from __future__ import annotations

import threading

import structlog

from otklik.channels.vk.poller import VkPoller
from otklik.channels.vk.settings import VkSettings
from otklik.services.context import ServiceContext
from otklik.workers.channel_jobs import BackgroundJob

log = structlog.get_logger(__name__)


def build_jobs(ctx: ServiceContext) -> list[BackgroundJob]:
    settings = VkSettings()
    if not (settings.access_token and settings.poll_owner_ids):
        return []
    poller = VkPoller(ctx, settings)

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                poller.poll_once()
            except Exception:  # a failed round (VK away, database busy) is retried at the next interval
                log.exception("vk.poll_round_failed")
            stop.wait(settings.poll_interval_seconds)

    return [BackgroundJob("vk-wall-poller", run)]
