"""Deadline reminders: one row per appeal, threshold and deadline, unique so each fires once.

Revision ID: 0007_deadline_reminders
Revises: 0005_outbox_attempts
"""

import sqlalchemy as sa
from alembic import op

from otklik.adapters.db.types import UtcDateTime

revision = "0007_deadline_reminders"
down_revision = "0005_outbox_attempts"  # a branch beside 0006: migrations upgrade to all heads
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deadline_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "appeal_id",
            sa.Integer(),
            sa.ForeignKey("appeals.id", name="fk_deadline_reminders_appeal_id_appeals"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("addressed_to", sa.String(64), nullable=False),
        sa.Column("fired_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deadline_reminders"),
        sa.UniqueConstraint("appeal_id", "kind", "due_at", name="uq_deadline_reminders_once"),
    )


def downgrade() -> None:
    op.drop_table("deadline_reminders")
