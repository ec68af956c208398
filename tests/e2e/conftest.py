"""The broker's kill tests (`test_broker_kill.py`) run on the PostgreSQL pass of `make test` (`-m db`).

They need PostgreSQL (the leader lease, row locks across processes) and RabbitMQ, so the SQLite pass does not
collect them: not a skip, they are simply not part of that pass. On the PostgreSQL pass a missing RabbitMQ fails."""

from __future__ import annotations

import os

collect_ignore: list[str] = []
if os.environ.get("OTKLIK_TEST_DATABASE") != "postgresql":
    collect_ignore.append("test_broker_kill.py")
