"""Finds the channels' background jobs: a channel folder with a `background` module exposing `build_jobs(ctx)`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from otklik.channels.discovery import channel_modules
from otklik.services.context import ServiceContext

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class BackgroundJob:
    name: str
    run: Callable[[threading.Event], None]  # runs until the event is set


def discover_jobs(ctx: ServiceContext) -> list[BackgroundJob]:
    """Jobs of the configured channels (a mailbox to poll, walls to read); unconfigured channels have none."""
    jobs: list[BackgroundJob] = []
    for module in channel_modules("background"):
        jobs.extend(module.build_jobs(ctx))
    log.info("channel_jobs.discovered", jobs=[job.name for job in jobs])
    return jobs


def start_jobs(jobs: list[BackgroundJob], stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=job.run, args=(stop,), daemon=True, name=job.name) for job in jobs]
    for thread in threads:
        thread.start()
    return threads
