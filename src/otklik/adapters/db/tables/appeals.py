"""The appeal aggregate: appeals, their append-only events, replies, ratings, and citizens."""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn, UtcDateTime

citizens = Table(
    "citizens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300)),
    Column("phone", String(40), index=True),
    Column("email", String(320), index=True),
    Column("channel", String(32)),
    Column("channel_user_id", String(200)),
    Index("ix_citizens_channel_user", "channel", "channel_user_id"),
)

# The columns the dashboard's figures read, carried in its covering indexes.
ANALYTICS_INCLUDE = [
    "municipality_id",
    "group",
    "topic",
    "channel",
    "agency_id",
    "status",
    "due_at",
    "resolved_at",
    "clock_paused_at",
    "first_response_hours",
    "final_answer_hours",
    "reopen_count",
    "routed_by_machine",
    "corrected",
    "redirect_count",
    "rating_score",
    "rating_solved",
]

appeals = Table(
    "appeals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("message_id", Integer, ForeignKey("messages.id"), nullable=False, unique=True),
    Column("citizen_id", Integer, ForeignKey("citizens.id")),
    Column("text", Text, nullable=False),
    Column("text_masked", Text, nullable=False),
    Column("group", String(200), index=True),
    Column("topic", String(300)),
    Column("category_confidence", Float),
    Column("municipality_id", String(16), ForeignKey("municipalities.id"), index=True),
    Column("settlement_id", String(120)),
    Column("address", String(500)),
    Column("lat", Float),
    Column("lon", Float),
    Column("agency_id", String(40), ForeignKey("agencies.id"), index=True),
    Column("routing_confidence", Float),
    Column("priority", String(10), nullable=False),
    Column("toxic", Boolean, nullable=False, default=False),
    Column("appeal_score", Float),
    Column("explanation", JsonColumn, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("first_response_due_at", UtcDateTime),
    Column("due_at", UtcDateTime, index=True),
    Column("answered_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("reject_reason", String(20)),
    Column("duplicate_of_id", Integer, ForeignKey("appeals.id")),
    Column("redirect_count", Integer, nullable=False, default=0),
    # The person of the body working on it; people are deactivated, never deleted (SET NULL keeps test resets simple).
    Column("assignee_id", Integer, ForeignKey("staff_users.id", ondelete="SET NULL"), index=True),
    # Set while the citizen is asked for details: the deadline clock stands still (docs/answers.md).
    Column("clock_paused_at", UtcDateTime),
    # The dashboard's stored measures (migration 0011_analytics_measures, docs/analytics.md).
    Column("first_response_hours", Float),
    Column("final_answer_hours", Float),
    Column("reopen_count", Integer, nullable=False, default=0),
    Column("routed_by_machine", Boolean),
    Column("corrected", Boolean, nullable=False, default=False),
    Column("rating_score", Integer),
    Column("rating_solved", Boolean),
    # Covering indexes of the dashboard (migration 0012_analytics_indexes): index-only scans at a million appeals.
    Index("ix_appeals_analytics", "created_at", postgresql_include=ANALYTICS_INCLUDE),
    # A citizen's appeals: the paused ones a reply may answer are looked up for every message a worker decides
    # (services/detail_answers.py); without it that read scanned the table (migration 0016_worker_costs).
    Index("ix_appeals_citizen_id", "citizen_id"),
    Index("ix_appeals_analytics_municipality", "municipality_id", "created_at", postgresql_include=ANALYTICS_INCLUDE),
)

appeal_events = Table(
    "appeal_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("type", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("reason", Text),
    Column("data", JsonColumn, nullable=False),
)

replies = Table(
    "replies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("agency_id", String(40), ForeignKey("agencies.id")),
    Column("created_at", UtcDateTime, nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("score", Integer, nullable=False),
    Column("solved", Boolean, nullable=False),
    Column("comment", Text),
    Column("created_at", UtcDateTime, nullable=False),
)
