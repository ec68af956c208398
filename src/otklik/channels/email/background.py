"""The mailbox poller as a background job of `otklik serve`, when IMAP is configured."""

from __future__ import annotations

import threading

from otklik.channels.email.imap_poller import ImapPoller
from otklik.channels.email.settings import EmailSettings
from otklik.services.context import ServiceContext
from otklik.workers.channel_jobs import BackgroundJob


def build_jobs(ctx: ServiceContext) -> list[BackgroundJob]:
    settings = EmailSettings()
    if not settings.imap_configured:
        return []
    poller = ImapPoller(ctx, settings)

    def run(stop: threading.Event) -> None:
        poller.run(stop, interval=settings.poll_interval_seconds)

    return [BackgroundJob("email-imap-poller", run)]
