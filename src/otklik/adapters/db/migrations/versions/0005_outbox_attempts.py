"""Outbox attempts: a handler that keeps failing is counted, and its event parked with the error.

Revision ID: 0005_outbox_attempts
Revises: 0004_delivery_claims
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_outbox_attempts"
down_revision = "0004_delivery_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("last_error")
        batch.drop_column("attempts")
