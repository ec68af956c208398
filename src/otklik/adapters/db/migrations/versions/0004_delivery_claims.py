"""Delivery claims: when a notice was taken for sending, so an interrupted send can be found.

Revision ID: 0004_delivery_claims
Revises: 0003_portal
"""

import sqlalchemy as sa
from alembic import op

import otklik.adapters.db.types

revision = "0004_delivery_claims"
down_revision = "0003_portal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_at", otklik.adapters.db.types.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("claimed_at")
