"""Russian full-text search of appeals (docs/search.md).

PostgreSQL: a stored generated `search_vector` (to_tsvector('russian', text_masked)) with a GIN index.
SQLite: an FTS5 table of lemmas, filled from the existing appeals and kept in step by triggers
(put back by the pool when a later migration's table rebuild drops them: search/sqlite_schema.py).

Revision ID: fts_russian_search
Revises: 0010_answer_attachments
"""

import sqlite3

from alembic import op

from otklik.adapters.db.search.sqlite_schema import (
    CREATE_TABLE,
    FILL,
    TABLE,
    TRIGGERS,
    create_triggers_sql,
    register_functions,
)

revision = "fts_russian_search"
down_revision = "0010_answer_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE appeals ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('russian', text_masked)) STORED"
        )
        op.execute("CREATE INDEX ix_appeals_search_vector ON appeals USING gin (search_vector)")
        return
    connection = op.get_bind().connection.dbapi_connection
    if isinstance(connection, sqlite3.Connection):
        register_functions(connection)  # already there through the pool listener; explicit for a bare engine
    op.execute(CREATE_TABLE)
    op.execute(FILL)
    for statement in create_triggers_sql():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_appeals_search_vector")
        op.execute("ALTER TABLE appeals DROP COLUMN IF EXISTS search_vector")
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
