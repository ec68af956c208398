"""Tables, one module per aggregate; importing this package registers all of them on the metadata."""

from otklik.adapters.db.tables import (
    accounts,
    analytics_rollup,
    appeals,
    channel_state,
    incidents,
    messages,
    outbox,
    reference,
    reminders,
    send_limits,
    sequences,
    staff,
    workflow,
)

__all__ = [
    "accounts",
    "analytics_rollup",
    "appeals",
    "channel_state",
    "incidents",
    "messages",
    "outbox",
    "reference",
    "reminders",
    "send_limits",
    "sequences",
    "staff",
    "workflow",
]
