"""A worker's cost per message that does not grow with the database (issue 10, docs/processes.md):
- `incident_signals`: the text-derived part of each appeal's incident signal, derived once when it is linked,
  so linking a new appeal reads its candidates' signals instead of lemmatising their texts again;
- `ix_appeals_citizen_id`: the paused appeals of the message's author, read for every decided message, were a
  sequential scan of the appeals.

Revision ID: 0016_worker_costs
Revises: 0015_rollup_pending
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_worker_costs"
down_revision = "0015_rollup_pending"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_signals",
        sa.Column(
            "appeal_id",
            sa.Integer(),
            sa.ForeignKey("appeals.id", name="fk_incident_signals_appeal_id_appeals"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("street", sa.Text()),
        sa.Column("house", sa.Text()),
        sa.Column("lemmas", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("appeal_id", name="pk_incident_signals"),
    )
    op.create_index("ix_appeals_citizen_id", "appeals", ["citizen_id"])


def downgrade() -> None:
    op.drop_index("ix_appeals_citizen_id", table_name="appeals")
    op.drop_table("incident_signals")
