"""Spike alerts per municipality × group (docs/map-and-alerts.md).

Revision ID: 0011_spike_alerts
Revises: 0010_answer_attachments
"""

import sqlalchemy as sa
from alembic import op

from otklik.adapters.db.types import JsonColumn, UtcDateTime

revision = "0011_spike_alerts"
down_revision = "0010_answer_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spike_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("municipality_id", sa.String(16), nullable=False),
        sa.Column("group", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(300)),
        sa.Column("agency_id", sa.String(40)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("peak_count", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("rate_per_day", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("window_hours", sa.Integer(), nullable=False),
        sa.Column("raised_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UtcDateTime(timezone=True)),
        sa.Column("acknowledged_at", UtcDateTime(timezone=True)),
        sa.Column("acknowledged_by", sa.String(200)),
        sa.Column("notified", JsonColumn, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_spike_alerts"),
    )
    op.create_index("ix_spike_alerts_municipality_id", "spike_alerts", ["municipality_id"])
    op.create_index("ix_spike_alerts_agency_id", "spike_alerts", ["agency_id"])
    op.create_index("ix_spike_alerts_raised_at", "spike_alerts", ["raised_at"])
    # One open alert per municipality × group, whatever number of scanners run at once.
    op.create_index(
        "uq_spike_alerts_open",
        "spike_alerts",
        ["municipality_id", "group"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_spike_alerts_open", table_name="spike_alerts")
    op.drop_index("ix_spike_alerts_raised_at", table_name="spike_alerts")
    op.drop_index("ix_spike_alerts_agency_id", table_name="spike_alerts")
    op.drop_index("ix_spike_alerts_municipality_id", table_name="spike_alerts")
    op.drop_table("spike_alerts")
