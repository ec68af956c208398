"""The dashboard's incremental rollup (counts per local day × dimension value, working-hour histograms per day),
two indexes for the reads it does not replace (overdue among the appeals in work; the league's answers by week),
and the rollup's backfill from the existing appeals (the same code as `otklik analytics rebuild-rollups`).

Revision ID: 0013_analytics_rollup
Revises: 0012_analytics_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_analytics_rollup"
down_revision = "0012_analytics_indexes"
branch_labels = None
depends_on = None

# Keep in step with adapters/db/tables/analytics_rollup.py.
COUNTERS = (
    "n",
    "final_answer",
    "ever_answered",
    "first_response",
    "due_answered",
    "on_time",
    "late",
    "open",
    "reopened",
    "routed",
    "redirected",
    "machine_routed",
    "machine_corrected",
    "rated",
    "solved",
    "rating_sum",
)
IN_WORK = ("answered", "assigned", "in_progress", "redirected", "reopened")


def upgrade() -> None:
    op.create_table(
        "analytics_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.Column("awaiting", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in COUNTERS),
        sa.PrimaryKeyConstraint("day", "dimension", "value", "awaiting", name="pk_analytics_rollup"),
    )
    op.create_table(
        "analytics_rollup_hours",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("day", "kind", "bucket", name="pk_analytics_rollup_hours"),
    )
    in_work = sa.column("status").in_(IN_WORK)
    op.create_index(
        "ix_appeals_in_work",
        "appeals",
        ["created_at"],
        postgresql_include=["agency_id", "municipality_id", "due_at", "clock_paused_at", "status"],
        postgresql_where=in_work,
        sqlite_where=in_work,
    )
    op.create_index(
        "ix_appeals_resolved_at", "appeals", ["resolved_at"], postgresql_include=["agency_id", "due_at", "status"]
    )
    from otklik.adapters.db.repositories.analytics_rollup import rebuild

    rebuild(op.get_bind(), with_pending=False)  # the pending deltas come with 0015_rollup_pending


def downgrade() -> None:
    op.drop_index("ix_appeals_resolved_at", "appeals")
    op.drop_index("ix_appeals_in_work", "appeals")
    op.drop_table("analytics_rollup_hours")
    op.drop_table("analytics_rollup")
