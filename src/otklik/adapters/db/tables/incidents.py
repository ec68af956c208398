"""Incidents: one problem reported by many appeals (domain/incidents.py). An appeal belongs to at most one."""

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn, UtcDateTime

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("status", String(16), nullable=False, index=True),  # proposed, confirmed, closed
    Column("municipality_id", String(16), ForeignKey("municipalities.id"), index=True),
    Column("group", String(200)),
    Column("topic", String(300)),
    Column("title", Text, nullable=False),  # the first appeal's masked text, shortened: no personal data
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("confirmed_by", String(200)),
    Column("confirmed_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
)

incident_members = Table(
    "incident_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", Integer, ForeignKey("incidents.id"), nullable=False, index=True),
    # unique: an appeal is one problem; moving it means leaving one incident first (split)
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, unique=True),
    Column("added_at", UtcDateTime, nullable=False),
    Column("added_by", String(200), nullable=False),  # system (the matcher) or the moderator
    Column("score", Float),
    Column("reasons", JsonColumn, nullable=False),
)
