"""The dashboard rollup's pending deltas: a change of an appeal appends its contribution here instead of updating
the day's cells in its own transaction (which made concurrent registrations wait for each other's commit); the
leader folds them into the cells every few seconds, and the dashboard sums both (repositories/analytics_rollup.py).

Revision ID: 0015_rollup_pending
Revises: 0014_send_limits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_rollup_pending"
down_revision = "0014_send_limits"
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


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "analytics_rollup_pending",
        _id(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.Column("awaiting", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in COUNTERS),
    )
    op.create_table(
        "analytics_rollup_hours_pending",
        _id(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # Fold what is pending first, or the cells lose it: `otklik analytics rebuild-rollups` after a downgrade.
    op.drop_table("analytics_rollup_hours_pending")
    op.drop_table("analytics_rollup_pending")
