"""PostgreSQL: one GIN index of the search words together with the district and the body, so a word searched in
a district moderator's or a body's scope is intersected inside the index.

Without it PostgreSQL builds the bitmap of every hit of a common word (a quarter of a million appeals) and ANDs
it with the district's: 200–430 ms on the generated million, against 40–120 ms for this index's own bitmap of the
district's hits (docs/reads-at-scale.md). `btree_gin` (a contrib extension, trusted since PostgreSQL 13) lets a
GIN index hold the plain columns; a multi-column GIN serves any subset of its columns, so one index serves both
scopes. SQLite has no GIN: its word index (FTS5) is unchanged.

Revision ID: scoped_search_index
Revises: reads_at_scale_indexes
"""

from __future__ import annotations

from alembic import op

revision = "scoped_search_index"
down_revision = "reads_at_scale_indexes"
branch_labels = None
depends_on = ("fts_russian_search",)  # the search_vector column


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute("CREATE INDEX ix_appeals_scoped_search ON appeals USING gin (municipality_id, agency_id, search_vector)")
    op.execute("ANALYZE appeals")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_appeals_scoped_search")  # the extension stays: others may use it
