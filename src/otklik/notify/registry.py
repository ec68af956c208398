"""Finds each channel's sender: a channel folder with a `sender` module exposing `build_sender(settings)`."""

from __future__ import annotations

import structlog

from otklik.channels.discovery import channel_modules
from otklik.notify.sender import ChannelSender
from otklik.settings import Settings

log = structlog.get_logger(__name__)


def discover_senders(settings: Settings) -> dict[str, ChannelSender]:
    """Senders of the channels that are configured; a channel without credentials has none."""
    senders: dict[str, ChannelSender] = {}
    for module in channel_modules("sender"):
        sender = module.build_sender(settings)
        if sender is not None:
            senders[sender.channel] = sender
    log.info("senders.discovered", channels=sorted(senders))
    return senders
