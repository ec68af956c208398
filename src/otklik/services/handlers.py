"""The table of bus topics and their handlers: one place to see what reacts to what."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from otklik.services import incidents, live_feed
from otklik.services.appeals import APPEAL_STATUS_CHANGED
from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import DEADLINE_REMINDER
from otklik.services.messages import MESSAGE_RECEIVED
from otklik.services.registration import APPEAL_REGISTERED, Work, process_message, process_messages
from otklik.services.staff_reminders import on_deadline_reminder

Handler = Callable[[ServiceContext, dict[str, Any]], None]
# Many events of one topic at once, as (event id, payload); returns the failures by event id. A batch handler
# marks each event it handled done itself, in the transaction of its change (the bus marks the others).
BatchHandler = Callable[[ServiceContext, Sequence[tuple[int, dict[str, Any]]]], dict[int, Exception]]


def _on_message_received(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    process_message(ctx, int(payload["message_id"]))


def _on_messages_received(ctx: ServiceContext, events: Sequence[tuple[int, dict[str, Any]]]) -> dict[int, Exception]:
    # Broker workers: the understanding of the whole batch at once, then one short transaction per message.
    return process_messages(ctx, [Work(int(payload["message_id"]), event_id) for event_id, payload in events])


def _on_appeal_registered(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    incidents.link_new_appeal(ctx, int(payload["appeal_id"]))  # the same problem reported before: one incident
    live_feed.announce(ctx, int(payload["appeal_id"]), "registered")  # live screens (moderators' queue)


def _on_status_changed(ctx: ServiceContext, payload: dict[str, Any]) -> None:
    incidents.on_status_changed(ctx, int(payload["appeal_id"]))  # an incident closes with its last answer
    live_feed.announce(ctx, int(payload["appeal_id"]), "status_changed")


HANDLERS: dict[str, Handler] = {
    MESSAGE_RECEIVED: _on_message_received,
    APPEAL_REGISTERED: _on_appeal_registered,
    APPEAL_STATUS_CHANGED: _on_status_changed,
    DEADLINE_REMINDER: on_deadline_reminder,
}
# Where a batch does better than one event at a time (the broker's workers use these first, HANDLERS for the rest).
BATCH_HANDLERS: dict[str, BatchHandler] = {MESSAGE_RECEIVED: _on_messages_received}
