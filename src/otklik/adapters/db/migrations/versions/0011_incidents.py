"""Incidents: one problem from many appeals, and the appeals that report it.

Revision ID: 0011_incidents
Revises: 0010_answer_attachments
"""

import sqlalchemy as sa
from alembic import op

from otklik.adapters.db.types import JsonColumn, UtcDateTime

revision = "0011_incidents"
down_revision = "0010_answer_attachments"  # a branch beside the other 0011s: migrations upgrade to all heads
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column(
            "municipality_id",
            sa.String(16),
            sa.ForeignKey("municipalities.id", name="fk_incidents_municipality_id_municipalities"),
        ),
        sa.Column("group", sa.String(200)),
        sa.Column("topic", sa.String(300)),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.String(200)),
        sa.Column("confirmed_at", UtcDateTime(timezone=True)),
        sa.Column("closed_at", UtcDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_index("ix_incidents_municipality_id", "incidents", ["municipality_id"])
    op.create_index("ix_incidents_created_at", "incidents", ["created_at"])
    op.create_table(
        "incident_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", name="fk_incident_members_incident_id_incidents"),
            nullable=False,
        ),
        sa.Column(
            "appeal_id",
            sa.Integer(),
            sa.ForeignKey("appeals.id", name="fk_incident_members_appeal_id_appeals"),
            nullable=False,
        ),
        sa.Column("added_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("reasons", JsonColumn, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_members"),
        sa.UniqueConstraint("appeal_id", name="uq_incident_members_appeal_id"),
    )
    op.create_index("ix_incident_members_incident_id", "incident_members", ["incident_id"])


def downgrade() -> None:
    op.drop_table("incident_members")
    op.drop_table("incidents")
