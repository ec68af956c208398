"""What operations cost: one `/metrics` reading over a large outbox, and one shared send-limit take, on a fresh
PostgreSQL database (created and dropped here) and on a SQLite file.

    .venv/bin/python bench/bench_operations.py [--finished 200000] [--seconds 3]

The outbox gets `--finished` done events, 1,000 pending, 100 published and 200 that failed (50 parked) — bulk
inserted; the reading is `services.operations.queue_readings`, as the collector runs it at each uncached scrape.
The send limit is taken as fast as one thread can for `--seconds` at an unreachable rate, so the figure is the cost
of the shared update itself. Prints `name: value unit` lines and the load average (the machine may be shared:
figures are upper bounds). Bounded: a fixed row count, a fixed time; 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.migrate import upgrade
from otklik.adapters.db.tables.outbox import outbox
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.notify.rate_limit import SharedSendLimits
from otklik.services.operations import database_readings

sys.path.insert(0, str(Path(__file__).parent))
from scratch_database import scratch_postgresql

TOPICS = ("message.received", "appeal.registered", "appeal.status_changed")


def fill_outbox(uow: UnitOfWorkFactory, finished: int) -> None:
    now = datetime.now(UTC)
    rows = []
    for n in range(finished + 1_300):
        topic = TOPICS[n % len(TOPICS)]
        row = {
            "topic": topic,
            "payload": {"n": n},
            "created_at": now - timedelta(seconds=60),
            "attempts": 0,
            "dispatched_at": None,
            "published_at": None,
            "last_error": None,
        }
        if n < finished:
            row |= {"dispatched_at": now}
        elif n < finished + 100:
            row |= {"published_at": now}
        elif n < finished + 300:
            parked = n < finished + 150
            row |= {"attempts": 5 if parked else 2, "last_error": "boom", "dispatched_at": now if parked else None}
        rows.append(row)
    with uow.engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(outbox), rows[start : start + 10_000])
        if uow.engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE outbox"))


def reading_ms(uow: UnitOfWorkFactory, repeat: int = 15) -> float:
    """One uncached scrape's database readings (services/operations.py, without a broker): median of `repeat`."""
    spans = []
    for _ in range(repeat):
        started = time.perf_counter()
        database_readings(uow, datetime.now(UTC))
        spans.append(time.perf_counter() - started)
    return statistics.median(spans) * 1000


def takes_per_second(uow: UnitOfWorkFactory, seconds: float) -> float:
    limits = SharedSendLimits(uow, {"bench": 1e9})
    taken, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        assert limits.try_take("bench") == 0.0
        taken += 1
    return taken / (time.perf_counter() - started)


def measure(label: str, url: str, finished: int, seconds: float) -> None:
    engine = build_engine(url)
    upgrade(engine)
    uow = UnitOfWorkFactory(engine)
    fill_outbox(uow, finished)
    print(f"metrics_reading_{label}: {reading_ms(uow):.1f} ms")
    print(f"send_limit_takes_{label}: {takes_per_second(uow, seconds):.0f} per_s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--finished", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"load_average_start: {os.getloadavg()[0]:.2f}")
    print(f"outbox_rows: {args.finished + 1_300} rows")
    with scratch_postgresql("otklik_bench_ops") as url:
        measure("pg", url, args.finished, args.seconds)
    with tempfile.TemporaryDirectory() as folder:
        measure("sqlite", f"sqlite:///{Path(folder) / 'bench.db'}", args.finished, args.seconds)
    print(f"load_average_end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
