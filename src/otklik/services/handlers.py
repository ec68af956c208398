"""The table of bus topics and their handlers: one place to see what reacts to what."""

from __future__ import annotations

from typing import Any

from otklik.services import incidents, live_feed
from otklik.services.appeals import APPEAL_STATUS_CHANGED
from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import DEADLINE_REMINDER
from otklik.services.messages import MESSAGE_RECEIVED
from otklik.services.registration import APPEAL_REGISTERED, process_message
from otklik.services.staff_reminders import on_deadline_reminder


def _on_message_received(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    process_message(ctx, int(payload["message_id"]))


def _on_appeal_registered(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    incidents.link_new_appeal(ctx, int(payload["appeal_id"]))  # the same problem reported before: one incident
    live_feed.announce(ctx, int(payload["appeal_id"]), "registered")  # live screens (moderators' queue)


def _on_status_changed(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    incidents.on_status_changed(ctx, int(payload["appeal_id"]))  # an incident closes with its last answer
    live_feed.announce(ctx, int(payload["appeal_id"]), "status_changed")


HANDLERS = {
    MESSAGE_RECEIVED: _on_message_received,
    APPEAL_REGISTERED: _on_appeal_registered,
    APPEAL_STATUS_CHANGED: _on_status_changed,
    DEADLINE_REMINDER: on_deadline_reminder,
}
