"""Alembic, driven from code: `otklik db upgrade` and start-up use the migrations shipped in the package."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
# pg_advisory_lock key: any fixed bigint; "otklik schema" in ASCII, so it is recognisable in pg_locks.
SCHEMA_LOCK_KEY = 0x6F746B6C696B


@contextlib.contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema changes and seeding across processes started together on one database.

    Without it, two `otklik serve`/`worker` processes on an empty database both run the first migration and one
    crashes on «table already exists». PostgreSQL: a session advisory lock held on its own connection (released
    when that connection closes, also if the process dies). SQLite: an flock on a file beside the database.
    An in-memory SQLite database belongs to one process and needs none.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".schema-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """All heads: features may add migrations on branches of their own (see docs/decisions.md).
    Under the schema lock, so processes started together take turns (the later ones find nothing to do)."""
    with schema_lock(engine):
        command.upgrade(alembic_config(engine), revision)
