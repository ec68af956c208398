"""The SQLite search index's schema: the FTS5 table of lemmas and the triggers that keep it in step with appeals.

The triggers call `otklik_search_lemmas(text)` and `otklik_search_alternatives(text)`, Python functions
registered on every SQLite connection this process opens. A later migration that rebuilds `appeals` (Alembic's
batch mode on SQLite copies the table) drops its triggers; so whenever the schema has changed, a connection taken
from the pool checks them and, if they are gone, puts them back and refills the index once (docs/search.md)."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

from otklik.adapters.db.search.lemmas import index_alternatives, index_lemmas

TABLE = "appeal_search"
FUNCTION = "otklik_search_lemmas"
ALTERNATIVES = "otklik_search_alternatives"
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(lemmas, alternatives, tokenize='unicode61 remove_diacritics 0')"
)
_COLUMNS = f"{TABLE}(rowid, lemmas, alternatives)"
FILL = f"INSERT INTO {_COLUMNS} SELECT id, {FUNCTION}(text_masked), {ALTERNATIVES}(text_masked) FROM appeals"
_INSERT_NEW = f"INSERT INTO {_COLUMNS} VALUES (new.id, {FUNCTION}(new.text_masked), {ALTERNATIVES}(new.text_masked))"
TRIGGERS = {
    f"{TABLE}_after_insert": (f"AFTER INSERT ON appeals BEGIN {_INSERT_NEW}; END"),
    f"{TABLE}_after_update": (
        f"AFTER UPDATE OF text_masked ON appeals BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; {_INSERT_NEW}; END"
    ),
    f"{TABLE}_after_delete": f"AFTER DELETE ON appeals BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END",
}
_CHECKED_AT = "otklik_search_schema_version"


def register_functions(connection: sqlite3.Connection) -> None:
    connection.create_function(FUNCTION, 1, index_lemmas, deterministic=True)
    connection.create_function(ALTERNATIVES, 1, index_alternatives, deterministic=True)


def create_triggers_sql() -> list[str]:
    return [f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in TRIGGERS.items()]


def _schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA schema_version").fetchone()[0])


def _missing_triggers(connection: sqlite3.Connection) -> bool:
    found = connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()[0]
    if not found:
        return False  # before the migration that creates the index: nothing to keep in step yet
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return not set(TRIGGERS) <= names


def restore_if_dropped(connection: sqlite3.Connection) -> None:
    """Triggers back and the index refilled, in one write transaction, when a table rebuild dropped them."""
    if not _missing_triggers(connection):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        if _missing_triggers(connection):  # another process may have restored them while we waited
            for statement in create_triggers_sql():
                connection.execute(statement)
            connection.execute(f"DELETE FROM {TABLE}")
            connection.execute(FILL)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


@event.listens_for(Pool, "connect")
def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        register_functions(dbapi_connection)


@event.listens_for(Pool, "checkout")
def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """One cheap PRAGMA per checkout; the check itself only after the schema changed."""
    if not isinstance(dbapi_connection, sqlite3.Connection) or dbapi_connection.in_transaction:
        return
    version = _schema_version(dbapi_connection)
    if record.info.get(_CHECKED_AT) == version:
        return
    restore_if_dropped(dbapi_connection)
    record.info[_CHECKED_AT] = _schema_version(dbapi_connection)
