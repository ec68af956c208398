"""Processes started together on an empty database take turns at the schema and the seed: none crashes.

Real processes (`otklik db seed` = migrate + seed), started at the same instant on a fresh database of the kind the
suite runs on (a new SQLite file, or a new PostgreSQL database).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from database_support import fresh_database
from otklik.adapters.db.tables.reference import municipalities, settlements

pytestmark = pytest.mark.db

PROCESSES = 4


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    with fresh_database("otklik_lock", tmp_path) as url:
        yield url


def test_processes_started_together_migrate_and_seed_once(empty_database: str, tmp_path: Path) -> None:
    env = {**os.environ, "OTKLIK_DATABASE_URL": empty_database}
    command = [str(Path(sys.executable).with_name("otklik")), "db", "seed"]
    started = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(PROCESSES)
    ]
    outputs = [process.communicate(timeout=180)[0] for process in started]
    failures = [out for process, out in zip(started, outputs, strict=True) if process.returncode != 0]
    assert not failures, failures[0][-2000:]
    # Exactly one process found the tables empty; the others added nothing.
    assert sum("municipalities: 29 added" in out for out in outputs) == 1
    engine = create_engine(empty_database)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(municipalities)) == 29
            assert connection.scalar(select(func.count()).select_from(settlements)) == 3498
    finally:
        engine.dispose()
