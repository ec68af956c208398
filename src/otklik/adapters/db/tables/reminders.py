"""Deadline reminders that fired: the unique key makes each fire once, whatever runs the scan."""

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import UtcDateTime

deadline_reminders = Table(
    "deadline_reminders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # 50%, 80%, overdue
    Column("due_at", UtcDateTime, nullable=False),  # the deadline it is about: an extension may fire again
    Column("addressed_to", String(64), nullable=False),  # agency:<id> or moderators (escalation)
    Column("fired_at", UtcDateTime, nullable=False),
    # Two scanners at once, or one after a restart, insert the same key: the database keeps one.
    UniqueConstraint("appeal_id", "kind", "due_at", name="uq_deadline_reminders_once"),
)
