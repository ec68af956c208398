"""A fresh, empty database for a test run or a single test: a new SQLite file, or a new PostgreSQL database that is
dropped (with its connections) afterwards. One place, so every test that needs an empty database makes it alike."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("OTKLIK_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def on_postgresql() -> bool:
    return os.environ.get("OTKLIK_TEST_DATABASE", "sqlite") == "postgresql"


@contextmanager
def fresh_database(prefix: str, sqlite_dir: Path) -> Iterator[str]:
    """Yield the URL of a new empty database; `prefix` names the PostgreSQL database (visible in pg_stat_activity)."""
    if not on_postgresql():
        yield f"sqlite:///{sqlite_dir / f'{prefix}.db'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
