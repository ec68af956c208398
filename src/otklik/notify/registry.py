"""Finds each channel's sender: a channel folder with a `sender` module exposing `build_sender(settings)`."""

from __future__ import annotations

import importlib
import pkgutil

import structlog

import otklik.channels
from otklik.notify.sender import ChannelSender
from otklik.settings import Settings

log = structlog.get_logger(__name__)


def discover_senders(settings: Settings) -> dict[str, ChannelSender]:
    """Senders of the channels that are configured; a channel without credentials has none."""
    senders: dict[str, ChannelSender] = {}
    for info in pkgutil.iter_modules(otklik.channels.__path__):
        if not info.ispkg:
            continue
        name = f"otklik.channels.{info.name}.sender"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        sender = module.build_sender(settings)
        if sender is not None:
            senders[sender.channel] = sender
    log.info("senders.discovered", channels=sorted(senders))
    return senders
