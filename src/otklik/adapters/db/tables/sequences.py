"""Counters of appeal numbers per region and year: one row each, incremented atomically."""

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, Table

from otklik.adapters.db.metadata import metadata

number_sequences = Table(
    "number_sequences",
    metadata,
    Column("region", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_value", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("region", "year"),
)
