"""A covering index for the dashboard: the appeals of a period with every column the figures read, so the
summary at a million appeals is an index-only scan instead of reading the wide rows (texts, explanations).

Measured in bench/bench_analytics.py before and after (docs/analytics.md). PostgreSQL gets the INCLUDE columns;
SQLite (no INCLUDE) an index on the period alone.

Revision ID: 0012_analytics_indexes
Revises: 0011_analytics_measures
"""

from __future__ import annotations

from alembic import op

revision = "0012_analytics_indexes"
down_revision = "0011_analytics_measures"
branch_labels = None
depends_on = None

# Keep in step with ANALYTICS_INCLUDE in adapters/db/tables/appeals.py.
INCLUDE = [
    "municipality_id",
    "group",
    "topic",
    "channel",
    "agency_id",
    "status",
    "due_at",
    "resolved_at",
    "clock_paused_at",
    "first_response_hours",
    "final_answer_hours",
    "reopen_count",
    "routed_by_machine",
    "corrected",
    "redirect_count",
    "rating_score",
    "rating_solved",
]


def upgrade() -> None:
    op.create_index("ix_appeals_analytics", "appeals", ["created_at"], postgresql_include=INCLUDE)
    op.create_index(
        "ix_appeals_analytics_municipality", "appeals", ["municipality_id", "created_at"], postgresql_include=INCLUDE
    )


def downgrade() -> None:
    op.drop_index("ix_appeals_analytics_municipality", "appeals")
    op.drop_index("ix_appeals_analytics", "appeals")
