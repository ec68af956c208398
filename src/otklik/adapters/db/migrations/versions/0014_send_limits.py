"""Send limits shared by every process (a row per channel), and an index of the outbox events that ever failed
(the handler-failure metric reads them at every scrape without scanning the finished ones).

Revision ID: 0014_send_limits
Revises: 0013_analytics_rollup
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_send_limits"
down_revision = "0013_analytics_rollup"  # a branch of its own: migrations upgrade to all heads
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_limits",
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("free_at", sa.Float, nullable=False),
        sa.Column("rate_per_second", sa.Float, nullable=False),
        sa.Column("burst", sa.Float, nullable=False),
    )
    op.create_index(
        "ix_outbox_failed",
        "outbox",
        ["topic"],
        postgresql_where=sa.text("attempts > 0"),
        sqlite_where=sa.text("attempts > 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_failed", table_name="outbox")
    op.drop_table("send_limits")
