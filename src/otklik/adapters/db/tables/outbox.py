"""The outbox: events written in the same transaction as the change, and deliveries back to channels."""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, text

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn, UtcDateTime

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(64), nullable=False),
    Column("payload", JsonColumn, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("dispatched_at", UtcDateTime),  # done: set by whoever handled it (a broker's worker or the in-process bus)
    Column("published_at", UtcDateTime),  # handed to the broker by the relay, not yet done (adapters/bus/relay.py)
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),  # failed handler runs
    Column("last_error", Text),  # set with dispatched_at when the event was parked after too many failures
    Index("ix_outbox_pending", "dispatched_at", "id"),
    # The events that ever failed: the handler-failure metric reads these only (migration 0014_send_limits).
    Index("ix_outbox_failed", "topic", postgresql_where=text("attempts > 0"), sqlite_where=text("attempts > 0")),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("kind", String(32), nullable=False),  # ack, status, reply_interim, reply_final, clarification
    Column("recipient", JsonColumn, nullable=False),
    Column("text", Text, nullable=False),
    # A restart or a second worker never sends the same notice twice: the key is unique.
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # pending, sending, sent, dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_error", Text),
    Column("claimed_at", UtcDateTime),  # when a worker took it for sending (finds interrupted sends)
    Column("external_ref", String(200)),  # the channel's id of what was sent (comment id, message id)
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
)
