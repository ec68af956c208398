"""Appeal numbers under concurrency: two real processes registering at once get distinct numbers, each its own
increasing; on PostgreSQL a registration does not wait for another's commit to get its number (a sequence per
region and year, not a counter row held to the end of the transaction), a rolled-back number is never reused, and
a sequence created for a year that already has numbers continues after them."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from otklik.adapters.db.tables.sequences import number_sequences
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db

# One registering process: takes PER_PROCESS numbers, each in a transaction of its own, and prints them.
TAKER = """
import sys, time
from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.uow import UnitOfWorkFactory

url, year, count, start_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
uow = UnitOfWorkFactory(build_engine(url))
time.sleep(max(0.0, start_at - time.time()))
for _ in range(count):  # bounded in count
    with uow() as tx:
        print(tx.appeals.next_number(44, year).sequence, flush=True)
        tx.commit()
"""
PER_PROCESS = 200


def _on_postgresql(ctx: ServiceContext) -> bool:
    return ctx.uow.engine.dialect.name == "postgresql"


def _take(ctx: ServiceContext, year: int) -> int:
    with ctx.uow() as uow:
        value = uow.appeals.next_number(44, year).sequence
        uow.commit()
    return value


def test_two_processes_get_distinct_increasing_numbers(ctx: ServiceContext, database_url: str) -> None:
    start_at = time.time() + 4.0  # both import and connect first, then take numbers together
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", TAKER, database_url, "2031", str(PER_PROCESS), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), [err[-2000:] for _, err in outputs]
    taken = [[int(line) for line in out.split()] for out, _ in outputs]
    assert [len(numbers) for numbers in taken] == [PER_PROCESS, PER_PROCESS]
    for numbers in taken:
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), "each process's own are increasing"
    together = taken[0] + taken[1]
    assert len(set(together)) == 2 * PER_PROCESS, "no number given twice across the processes"
    assert min(together) == 1
    # The two really interleaved: neither took all of its numbers before the other began.
    assert min(taken[0]) < max(taken[1]) and min(taken[1]) < max(taken[0])
    assert _take(ctx, 2031) > max(together), "the counter continues after both"


def test_a_number_does_not_wait_for_another_registrations_commit(ctx: ServiceContext) -> None:
    """One transaction takes a number and stays open; another takes one meanwhile. On PostgreSQL it gets it at once
    (with a lock timeout that would fail it if it waited); on SQLite (one writer) it waits for the first's commit."""
    first_taken, release = threading.Event(), threading.Event()
    found: dict[str, int] = {}

    def hold() -> None:
        with ctx.uow() as uow:
            found["first"] = uow.appeals.next_number(44, 2032).sequence
            first_taken.set()
            release.wait(30)
            uow.commit()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert first_taken.wait(30)
        if _on_postgresql(ctx):
            with ctx.uow() as uow:
                uow.session.execute(text("SET LOCAL lock_timeout = '2s'"))
                found["second"] = uow.appeals.next_number(44, 2032).sequence
                uow.commit()
            assert "second" in found and holder.is_alive(), "taken while the first transaction is still open"
    finally:
        release.set()
        holder.join(timeout=30)
    if not _on_postgresql(ctx):
        found["second"] = _take(ctx, 2032)
    assert found["second"] == found["first"] + 1


def test_a_rolled_back_number_is_not_reused(ctx: ServiceContext) -> None:
    first = _take(ctx, 2033)
    with ctx.uow() as uow:
        lost = uow.appeals.next_number(44, 2033).sequence
        uow.rollback()
    after = _take(ctx, 2033)
    assert lost == first + 1
    if _on_postgresql(ctx):
        assert after == lost + 1, "a sequence never gives back a number: unique and increasing, not gapless"
    else:
        assert after == lost, "SQLite's counter row rolls back with the transaction: gapless"


def test_a_year_with_numbers_already_written_continues_after_them(ctx: ServiceContext) -> None:
    """Numbers written before the sequence existed (the counter row of an older version, or the bench generator's
    COPY) are never given again."""
    with ctx.uow() as uow:
        uow.session.execute(number_sequences.insert().values(region=44, year=2034, last_value=4_321))
        uow.commit()
    assert _take(ctx, 2034) == 4_322
    assert _take(ctx, 2034) == 4_323
    assert _take(ctx, 2035) == 1, "another year counts from one"
