"""The contract every channel's sender meets: send one notice, say whether a failure is worth a retry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class OutboundNotice:
    delivery_id: int
    appeal_id: int
    channel: str
    kind: str  # ack, status, reply_interim, reply_final, reply_clarification
    recipient: Mapping[str, Any]  # {"channel", "external_id", "author", "context", "url"} of the original message
    text: str
    idempotency_key: str  # senders pass it on where the channel supports it (VK random_id, e-mail Message-ID)


class DeliveryError(Exception):
    """Base: the notice did not go out."""

    retryable = True


class TransientDeliveryError(DeliveryError):
    """Try again later: rate limits, timeouts, 5xx."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Will never succeed as it is: bad token, the user blocked the bot, the post was deleted."""

    retryable = False


class ChannelSender(Protocol):
    """Optional members a sender may have: `deduplicates: bool` — the channel itself drops a repeat with the same
    idempotency key (VK `random_id`/`guid`, an e-mail Message-ID), so an interrupted send may safely be resent;
    `close()` — release connections when the worker stops."""

    channel: str
    # At most this many sends per second to the channel (VK allows ~20/s for a community token, Telegram ~30/s).
    rate_per_second: float

    def send(self, notice: OutboundNotice) -> str | None:
        """Send, returning the channel's id of what was sent; raise a DeliveryError on failure."""
        ...
