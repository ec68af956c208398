"""Tables, one module per aggregate; importing this package registers all of them on the metadata."""

from otklik.adapters.db.tables import appeals, channel_state, messages, outbox, reference, sequences

__all__ = ["appeals", "channel_state", "messages", "outbox", "reference", "sequences"]
