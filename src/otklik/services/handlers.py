"""The table of bus topics and their handlers: one place to see what reacts to what."""

from __future__ import annotations

from typing import Any

from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import DEADLINE_REMINDER
from otklik.services.messages import MESSAGE_RECEIVED
from otklik.services.registration import process_message
from otklik.services.staff_reminders import on_deadline_reminder


def _on_message_received(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    process_message(ctx, int(payload["message_id"]))


HANDLERS = {
    MESSAGE_RECEIVED: _on_message_received,
    DEADLINE_REMINDER: on_deadline_reminder,
}
