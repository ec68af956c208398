"""Inbound messages exactly as channels delivered them; (channel, external_id) is unique."""

from sqlalchemy import Boolean, Column, Float, Integer, String, Table, Text, UniqueConstraint

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn, UtcDateTime

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(32), nullable=False),
    Column("external_id", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", JsonColumn, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("url", String(1000)),
    Column("lat", Float),
    Column("lon", Float),
    Column("address", String(500)),
    Column("context", JsonColumn, nullable=False),
    Column("attachments", JsonColumn, nullable=False),
    Column("formal", Boolean, nullable=False, default=False),
    Column("outcome", String(32)),  # None until processed
    Column("outcome_reason", Text),
    Column("appeal_id", Integer),  # the appeal registered from it (appeals.message_id is the enforced link)
    Column("processed_at", UtcDateTime),
    UniqueConstraint("channel", "external_id", name="uq_messages_channel_external_id"),
)
