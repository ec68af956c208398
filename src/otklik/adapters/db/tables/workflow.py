"""The executor's side of an appeal: answer drafts under review, deadline extensions, requests for details."""

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Table, Text

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.types import JsonColumn, UtcDateTime

answer_drafts = Table(
    "answer_drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("agency_id", String(40)),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("flags", JsonColumn, nullable=False),  # [{"code": …, "message": …}] of the answer checker
    Column("score", Float, nullable=False),
    Column("review_required", Boolean, nullable=False),
    Column("template_id", String(80)),
    Column("reviewer", String(200)),
    Column("reviewed_at", UtcDateTime),
    Column("review_comment", Text),
    Column("published_text", Text),
    Column("reply_id", Integer, ForeignKey("replies.id")),
)

deadline_extensions = Table(
    "deadline_extensions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("days", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("agency_id", String(40)),
    Column("status", String(16), nullable=False, index=True),
    Column("decided_by", String(200)),
    Column("decided_at", UtcDateTime),
    Column("comment", Text),
    Column("due_before", UtcDateTime),
    Column("due_after", UtcDateTime),
)

detail_requests = Table(
    "detail_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", Integer, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("asked_by", String(200), nullable=False),
    Column("asked_at", UtcDateTime, nullable=False),
    Column("reply_id", Integer, ForeignKey("replies.id")),
    Column("answer", Text),  # the citizen's words: personal data, shown to staff who may see contacts
    Column("answered_by", String(200)),
    Column("answered_at", UtcDateTime),
    Column("paused_hours", Float),
)

# Files an executor attached to a final answer (PDF/JPEG/PNG); the bytes are in the attachment store under the key.
answer_attachments = Table(
    "answer_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Integer, ForeignKey("answer_drafts.id"), nullable=False, index=True),
    Column("storage_key", String(200), nullable=False, unique=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
