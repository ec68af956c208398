"""The person of the body who works on an appeal: appeals.assignee_id → staff_users.id (nullable).

Revision ID: 0009_assignees
Revises: 0006_staff_access
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_assignees"
down_revision = "0006_staff_access"  # a branch of its own: migrations upgrade to all heads
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite takes the reference inline in ADD COLUMN; PostgreSQL gets a named constraint. The batch mode is not
    # used: it would copy the whole appeals table on SQLite for one nullable column. People are deactivated, never
    # deleted; SET NULL only matters when the test suite empties staff_users before appeals.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE appeals ADD COLUMN assignee_id INTEGER REFERENCES staff_users (id) ON DELETE SET NULL")
    else:
        op.add_column("appeals", sa.Column("assignee_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_appeals_assignee_id_staff_users", "appeals", "staff_users", ["assignee_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index("ix_appeals_assignee_id", "appeals", ["assignee_id"])


def downgrade() -> None:
    op.drop_index("ix_appeals_assignee_id", table_name="appeals")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_appeals_assignee_id_staff_users", "appeals", type_="foreignkey")
    op.drop_column("appeals", "assignee_id")
