"""The outbox relay to a broker: when an event was handed to the broker (published) before a worker finished it.

Revision ID: 0011_broker_outbox
Revises: 0010_answer_attachments
"""

import sqlalchemy as sa
from alembic import op

from otklik.adapters.db.types import UtcDateTime

revision = "0011_broker_outbox"
down_revision = "0010_answer_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("published_at", UtcDateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("published_at")
