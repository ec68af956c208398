"""Portal notices are read in the citizen's account: sending only confirms the notice is there (in-app)."""

from __future__ import annotations

from otklik.notify.sender import OutboundNotice
from otklik.settings import Settings


class PortalSender:
    channel = "portal"
    rate_per_second = 1000.0  # nothing leaves the process

    def send(self, notice: OutboundNotice) -> str | None:
        """The notice stays visible in GET /api/v1/portal/appeals/{id}; the reference names it there."""
        return f"inapp:{notice.delivery_id}"


def build_sender(settings: Settings) -> PortalSender:
    return PortalSender()
