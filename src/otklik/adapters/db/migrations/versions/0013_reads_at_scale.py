"""Indexes for the appeal list at a million appeals: each list filter reads its own index in the list's order
(created_at desc, id desc), so a page and its keyset continuation are a short index range scan, not a sort of
every match (docs/reads-at-scale.md has the plans before and after).

The overdue index is partial: open appeals with a running clock are a few percent of all appeals, and the
deadline is a key column, so `due_at < now` is checked in the index, never on the wide rows.

Revision ID: reads_at_scale_indexes
Revises: 0012_analytics_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "reads_at_scale_indexes"
down_revision = "0012_analytics_indexes"
branch_labels = None
depends_on = ("0009_assignees",)  # the assignee index needs its column

# Keep in step with OPEN_STATUSES in domain/status.py: the list's overdue filter names the same statuses, so
# PostgreSQL can prove the partial index applies (sorted, as the repository passes them).
OPEN = ("answered", "assigned", "in_progress", "needs_moderation", "new", "redirected", "reopened")
_OPEN_SQL = ", ".join(f"'{status}'" for status in OPEN)
_OVERDUE_WHERE = sa.text(f"status IN ({_OPEN_SQL}) AND clock_paused_at IS NULL")

# name → key columns; every one ends with the list's order (created_at, id) so a backward scan is the page.
KEYSET_INDEXES = {
    "ix_appeals_keyset": ["created_at", "id"],
    "ix_appeals_status_keyset": ["status", "created_at", "id"],
    "ix_appeals_agency_keyset": ["agency_id", "created_at", "id"],
    "ix_appeals_agency_status_keyset": ["agency_id", "status", "created_at", "id"],
    "ix_appeals_municipality_status_keyset": ["municipality_id", "status", "created_at", "id"],
    # A district moderator's scope is a municipality: their agency and group filters come on top of it.
    "ix_appeals_municipality_agency_keyset": ["municipality_id", "agency_id", "created_at", "id"],
    "ix_appeals_municipality_group_keyset": ["municipality_id", "group", "created_at", "id"],
    "ix_appeals_group_keyset": ["group", "created_at", "id"],
    "ix_appeals_channel_keyset": ["channel", "created_at", "id"],
    "ix_appeals_assignee_keyset": ["assignee_id", "created_at", "id"],
}


def upgrade() -> None:
    for name, columns in KEYSET_INDEXES.items():
        op.create_index(name, "appeals", columns)
    op.create_index(
        "ix_appeals_overdue_keyset",
        "appeals",
        ["created_at", "id", "due_at"],
        postgresql_where=_OVERDUE_WHERE,
        sqlite_where=_OVERDUE_WHERE,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE appeals")  # fresh statistics, so the planner weighs the new indexes at once


def downgrade() -> None:
    op.drop_index("ix_appeals_overdue_keyset", "appeals")
    for name in reversed(KEYSET_INDEXES):
        op.drop_index(name, "appeals")
