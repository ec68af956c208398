"""The people of the center, the bodies and the district offices: accounts, sessions, failed sign-ins, and the
integration tokens. Only hashes of secrets are stored; a token or a password is shown once and never kept."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn, UtcDateTime

staff_users = Table(
    "staff_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(100), nullable=False, unique=True),  # lower-cased
    Column("name", String(300), nullable=False),  # ФИО, shown as the actor of what the person does
    Column("role", String(32), nullable=False),
    Column("municipality_id", String(16), ForeignKey("municipalities.id")),  # district moderators
    Column("agency_id", String(40), ForeignKey("agencies.id")),  # executors and agency heads
    Column("email", String(320)),  # where reminders go
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("password_changed_at", UtcDateTime, nullable=False),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("staff_users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the cookie or bearer token
    Column("kind", String(10), nullable=False),  # "cookie" (the UI, with a CSRF token) or "bearer" (the API)
    Column("csrf_token", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(100), nullable=False),
    Column("client", String(64), nullable=False),  # the client's address: a spray over many logins is throttled too
    Column("at", UtcDateTime, nullable=False),
    Index("ix_login_failures_login_at", "login", "at"),
    Index("ix_login_failures_client_at", "client", "at"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", JsonColumn, nullable=False),  # ["messages:vk", "open311", …]
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)
