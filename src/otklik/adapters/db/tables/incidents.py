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

# The text-derived part of an appeal's signal (nlp/incident_signal.py), derived once when the appeal is linked:
# every later appeal compares with it, and deriving it again per comparison was most of a worker's linking time
# (migration 0016_worker_costs, docs/processes.md). An appeal without a row here is derived from its text.
incident_signals = Table(
    "incident_signals",
    metadata,
    Column("appeal_id", Integer, ForeignKey("appeals.id"), primary_key=True, autoincrement=False),
    Column("street", Text),  # street_key of the address or the text, else None
    Column("house", Text),
    Column("lemmas", Text, nullable=False),  # content lemmas and concepts, space-separated (none contains a space)
)
