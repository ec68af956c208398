"""Citizens' portal accounts: the account with its 152-ФЗ consent, login sessions, submissions and photos.

No foreign keys point at appeals or messages: the link is the message's (channel, external id), so runtime
tables can be emptied or archived on their own.
"""

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import UtcDateTime

portal_accounts = Table(
    "portal_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), unique=True),  # lower-cased; NULL when the account logs in by phone
    Column("phone", String(40), unique=True),  # +7XXXXXXXXXX; NULL when the account logs in by e-mail
    Column("password_hash", String(200), nullable=False),
    Column("name", String(300), nullable=False),
    Column("consent_at", UtcDateTime),  # consent to personal-data processing (152-ФЗ), NULL until given
    Column("consent_version", String(40)),  # the text version consented to: a new text needs a new consent
    Column("created_at", UtcDateTime, nullable=False),
)

portal_sessions = Table(
    "portal_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("portal_accounts.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the bearer token; never the token
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

portal_submissions = Table(
    "portal_submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("portal_accounts.id"), nullable=False, index=True),
    # The portal message's external id: `account:<id>:<key>`, so one account's retries are one appeal.
    Column("external_id", String(200), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

portal_attachments = Table(
    "portal_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("portal_accounts.id"), nullable=False, index=True),
    Column("external_id", String(200), nullable=False, index=True),  # the submission it came with
    Column("storage_key", String(200), nullable=False, unique=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
