"""Open311 notices are delivered in band: the client polls `servicerequestupdates` and `requests`, so sending
only confirms that the notice is published there (it is, from the moment it was queued)."""

from __future__ import annotations

from otklik.notify.sender import OutboundNotice
from otklik.settings import Settings


class Open311Sender:
    channel = "open311"
    rate_per_second = 1000.0  # nothing leaves the process: no channel limit to respect

    def send(self, notice: OutboundNotice) -> str | None:
        """The update id under which the notice appears in servicerequestupdates (the delivery id)."""
        return f"update:{notice.delivery_id}"


def build_sender(settings: Settings) -> Open311Sender:
    return Open311Sender()
