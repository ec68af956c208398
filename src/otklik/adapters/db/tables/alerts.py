"""Spike alerts: one row per municipality × group while its burst lasts (the partial unique index keeps it one,
whatever number of scanners run); closed when the rate is back, acknowledged by a moderator."""

from sqlalchemy import Column, Float, Index, Integer, String, Table, Text, text

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn, UtcDateTime

spike_alerts = Table(
    "spike_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("municipality_id", String(16), nullable=False, index=True),
    Column("group", String(200), nullable=False),
    Column("topic", String(300)),  # the window's dominant topic, when one topic makes at least half of it
    Column("agency_id", String(40), index=True),  # the body most of the window's appeals are assigned to
    Column("text", Text, nullable=False),
    Column("count", Integer, nullable=False),  # appeals in the window when raised
    Column("peak_count", Integer, nullable=False),
    Column("expected", Float, nullable=False),  # expected in the window by the baseline
    Column("rate_per_day", Float, nullable=False),  # the norm
    Column("p_value", Float, nullable=False),
    Column("window_hours", Integer, nullable=False),
    Column("raised_at", UtcDateTime, nullable=False, index=True),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    Column("acknowledged_at", UtcDateTime),
    Column("acknowledged_by", String(200)),
    Column("notified", JsonColumn, nullable=False),  # logins of the moderators it was pushed to
    Index(
        "uq_spike_alerts_open",
        "municipality_id",
        "group",
        unique=True,
        sqlite_where=text("closed_at IS NULL"),
        postgresql_where=text("closed_at IS NULL"),
    ),
)
