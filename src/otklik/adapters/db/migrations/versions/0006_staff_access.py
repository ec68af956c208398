"""Staff accounts, their sessions, failed sign-ins (throttling) and integration tokens.

Revision ID: 0006_staff_access
Revises: 0005_outbox_attempts
"""

import sqlalchemy as sa
from alembic import op

from otklik.adapters.db.types import JsonColumn, UtcDateTime

revision = "0006_staff_access"
down_revision = "0005_outbox_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("municipality_id", sa.String(16), sa.ForeignKey("municipalities.id")),
        sa.Column("agency_id", sa.String(40), sa.ForeignKey("agencies.id")),
        sa.Column("email", sa.String(320)),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("staff_users.id"), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("csrf_token", sa.String(64)),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UtcDateTime(timezone=True)),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failures_login_at", "login_failures", ["login", "at"])
    op.create_index("ix_login_failures_client_at", "login_failures", ["client", "at"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", JsonColumn, nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UtcDateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_index("ix_login_failures_client_at", "login_failures")
    op.drop_index("ix_login_failures_login_at", "login_failures")
    op.drop_table("login_failures")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
