"""In the demo, channels without credentials still «deliver»: the notice is logged and marked as sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import structlog

from otklik.domain.channels import Channel
from otklik.notify.sender import ChannelSender, OutboundNotice

log = structlog.get_logger(__name__)


@dataclass
class DemoSender:
    channel: str
    rate_per_second: float = 50.0

    def send(self, notice: OutboundNotice) -> str | None:
        log.info("demo.notice", channel=self.channel, appeal_id=notice.appeal_id, kind=notice.kind)
        return f"demo-{notice.delivery_id}"


def with_demo_senders(senders: Mapping[str, ChannelSender]) -> dict[str, ChannelSender]:
    """Real senders where configured; a demo stand-in for every other channel that can answer."""
    combined: dict[str, ChannelSender] = {c.value: DemoSender(c.value) for c in Channel if c.has_return_path}
    combined.update(senders)
    return combined
