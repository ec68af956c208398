"""Tests of PostgreSQL-only paths run on the PostgreSQL pass of `make test` (`-m db`).

`test_ranked_windows.py` checks the day-windowed ranking against the day-keyed GIN index and fills its region with
`bench/generate_appeals.py` (COPY): both PostgreSQL's. The SQLite pass does not collect it — not a skip, it is
simply not part of that pass (as the kill tests in tests/e2e)."""

from __future__ import annotations

import os

collect_ignore: list[str] = []
if os.environ.get("OTKLIK_TEST_DATABASE") != "postgresql":
    collect_ignore.append("test_ranked_windows.py")
