"""Small per-channel state that must survive restarts: polling cursors, last seen ids."""

from sqlalchemy import Column, PrimaryKeyConstraint, String, Table, Text

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import UtcDateTime

channel_state = Table(
    "channel_state",
    metadata,
    Column("channel", String(32), nullable=False),
    Column("key", String(200), nullable=False),
    Column("value", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("channel", "key"),
)
