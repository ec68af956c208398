"""PostgreSQL: the scoped word index gains the appeal's UTC day, so a ranked search reads its newest hits window by
window from the index alone (search/newest.py).

A common word by relevance in a district's scope ranks the district's newest 2,000 hits. The scoped index
(migration `scoped_search_index`) gives the district's hits of the whole year in one bitmap; the table then had to
be read for every one of them (15,500 on the generated million) or the date index walked through every district's
appeals (131,770 rows, 23,899 pages). With the day in the same GIN index, `day = d` is intersected inside the index
with the district and the word (0.1–0.2 ms and a few pages a day), and the windows read the district's newest
2,001 hits in about 2,760 pages (docs/reads-at-scale.md). The day is `(created_at AT TIME ZONE 'UTC')::date` —
immutable, unlike a cast of a timestamptz — and one key per day, not per moment, keeps a day one posting list.

A multi-column GIN serves any subset of its columns, so this index replaces the scoped one (the count of a word in
a scope, a search by date) and the table keeps one scoped word index to update. SQLite has no GIN: its windows are
plain `created_at` ranges.

Revision ID: 0016_search_windows
Revises: scoped_search_index
"""

from __future__ import annotations

from alembic import op

revision = "0016_search_windows"
down_revision = "scoped_search_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_appeals_search_windows ON appeals USING gin"
        " (municipality_id, agency_id, search_vector, ((created_at AT TIME ZONE 'UTC')::date))"
    )
    op.execute("DROP INDEX IF EXISTS ix_appeals_scoped_search")
    op.execute("ANALYZE appeals")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_appeals_scoped_search ON appeals USING gin (municipality_id, agency_id, search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_appeals_search_windows")
