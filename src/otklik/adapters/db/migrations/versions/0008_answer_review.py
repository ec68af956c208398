"""Answer review, deadline extensions, requests for details, and the paused deadline clock of an appeal.

Revision ID: 0008_answer_review
Revises: 0006_staff_access
"""

import sqlalchemy as sa
from alembic import op

from otklik.adapters.db.types import JsonColumn, UtcDateTime

revision = "0008_answer_review"
down_revision = "0006_staff_access"  # a branch of its own: migrations upgrade to all heads
branch_labels = None
depends_on = None


def _fk(table: str, column: str, referred: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{referred}.id", name=f"fk_{table}_{column}_{referred}")


def upgrade() -> None:
    # A nullable column without a reference: plain ADD COLUMN on both databases, no table copy on SQLite.
    op.add_column("appeals", sa.Column("clock_paused_at", UtcDateTime(timezone=True), nullable=True))
    op.create_table(
        "answer_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("appeal_id", sa.Integer(), _fk("answer_drafts", "appeal_id", "appeals"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("agency_id", sa.String(40)),
        sa.Column("submitted_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("flags", JsonColumn, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("review_required", sa.Boolean(), nullable=False),
        sa.Column("template_id", sa.String(80)),
        sa.Column("reviewer", sa.String(200)),
        sa.Column("reviewed_at", UtcDateTime(timezone=True)),
        sa.Column("review_comment", sa.Text()),
        sa.Column("published_text", sa.Text()),
        sa.Column("reply_id", sa.Integer(), _fk("answer_drafts", "reply_id", "replies")),
        sa.PrimaryKeyConstraint("id", name="pk_answer_drafts"),
    )
    op.create_index("ix_answer_drafts_appeal_id", "answer_drafts", ["appeal_id"])
    op.create_index("ix_answer_drafts_status", "answer_drafts", ["status"])
    op.create_table(
        "deadline_extensions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("appeal_id", sa.Integer(), _fk("deadline_extensions", "appeal_id", "appeals"), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", UtcDateTime(timezone=True)),
        sa.Column("comment", sa.Text()),
        sa.Column("due_before", UtcDateTime(timezone=True)),
        sa.Column("due_after", UtcDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_deadline_extensions"),
    )
    op.create_index("ix_deadline_extensions_appeal_id", "deadline_extensions", ["appeal_id"])
    op.create_index("ix_deadline_extensions_status", "deadline_extensions", ["status"])
    op.create_table(
        "detail_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("appeal_id", sa.Integer(), _fk("detail_requests", "appeal_id", "appeals"), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by", sa.String(200), nullable=False),
        sa.Column("asked_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("reply_id", sa.Integer(), _fk("detail_requests", "reply_id", "replies")),
        sa.Column("answer", sa.Text()),
        sa.Column("answered_by", sa.String(200)),
        sa.Column("answered_at", UtcDateTime(timezone=True)),
        sa.Column("paused_hours", sa.Float()),
        sa.PrimaryKeyConstraint("id", name="pk_detail_requests"),
    )
    op.create_index("ix_detail_requests_appeal_id", "detail_requests", ["appeal_id"])


def downgrade() -> None:
    op.drop_table("detail_requests")
    op.drop_table("deadline_extensions")
    op.drop_table("answer_drafts")
    op.drop_column("appeals", "clock_paused_at")
