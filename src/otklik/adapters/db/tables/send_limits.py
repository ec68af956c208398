"""Send limits shared by every process: one row per channel, updated atomically (notify/rate_limit.py)."""

from sqlalchemy import Column, Float, String, Table

from otklik.adapters.db.metadata import metadata

send_limits = Table(
    "send_limits",
    metadata,
    Column("channel", String(32), primary_key=True),
    # GCRA's «theoretical arrival time»: when the channel's bucket is full again, in the database's epoch seconds.
    Column("free_at", Float, nullable=False),
    # The limit the row was counted under: a changed setting starts afresh instead of inheriting a debt.
    Column("rate_per_second", Float, nullable=False),
    Column("burst", Float, nullable=False),
)
