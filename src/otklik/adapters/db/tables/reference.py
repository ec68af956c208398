"""Reference tables: municipalities, settlements, agencies, rubricator, competence rules."""

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn

municipalities = Table(
    "municipalities",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("official_name", String(300), nullable=False),
    Column("type", String(60), nullable=False),
    Column("oktmo", String(16), nullable=False),
    Column("centre", String(100), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("boundary", JsonColumn),
)

settlements = Table(
    "settlements",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("name", String(200), nullable=False, index=True),
    Column("type", String(20), nullable=False),
    Column("municipality_id", String(16), ForeignKey("municipalities.id"), nullable=False, index=True),
    Column("population", Integer),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)

agencies = Table(
    "agencies",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("level", String(16), nullable=False),
    Column("municipality_id", String(16), ForeignKey("municipalities.id")),
    Column("competence", Text, nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    # Set when a person edited the row: re-seeding never overwrites what users changed.
    Column("edited", Boolean, nullable=False, default=False),
)

topic_groups = Table(
    "topic_groups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("position", Integer, nullable=False, default=0),
    Column("edited", Boolean, nullable=False, default=False),
)

topics = Table(
    "topics",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("group_id", Integer, ForeignKey("topic_groups.id"), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("priority", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("position", Integer, nullable=False, default=0),
    Column("edited", Boolean, nullable=False, default=False),
    UniqueConstraint("group_id", "name", name="uq_topics_group_name"),
)

competence_rules = Table(
    "competence_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("group_name", String(200), nullable=False),
    Column("topic_name", String(300), nullable=False, default=""),  # "" = whole group
    Column("municipality_id", String(16), nullable=False, default=""),  # "" = any municipality
    Column("agency_id", String(40), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("edited", Boolean, nullable=False, default=False),
    UniqueConstraint("group_name", "topic_name", "municipality_id", name="uq_competence_rules_scope"),
)
