"""Tables, one module per aggregate; importing this package registers all of them on the metadata."""

from otklik.adapters.db.tables import (
    accounts,
    appeals,
    channel_state,
    messages,
    outbox,
    reference,
    reminders,
    sequences,
    staff,
    workflow,
)

__all__ = [
    "accounts",
    "appeals",
    "channel_state",
    "messages",
    "outbox",
    "reference",
    "reminders",
    "sequences",
    "staff",
    "workflow",
]
