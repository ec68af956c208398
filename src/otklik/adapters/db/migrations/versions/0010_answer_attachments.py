"""Files attached to a final answer (PDF/JPEG/PNG): metadata here, the bytes in the attachment store.

Revision ID: 0010_answer_attachments
Revises: 0008_answer_review
"""

import sqlalchemy as sa
from alembic import op

from otklik.adapters.db.types import UtcDateTime

revision = "0010_answer_attachments"
down_revision = "0008_answer_review"  # the drafts it refers to are created there
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "draft_id",
            sa.Integer(),
            sa.ForeignKey("answer_drafts.id", name="fk_answer_attachments_draft_id_answer_drafts"),
            nullable=False,
        ),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answer_attachments"),
        sa.UniqueConstraint("storage_key", name="uq_answer_attachments_storage_key"),
    )
    op.create_index("ix_answer_attachments_draft_id", "answer_attachments", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_answer_attachments_draft_id", table_name="answer_attachments")
    op.drop_table("answer_attachments")
