"""The rollup's pending deltas and their fold: the dashboard counts a registration at its commit, before any fold;
a fold killed (kill -9) in the middle of its transaction loses and doubles nothing; the leader's fold job empties the
pending tables while the figures stay those of the direct queries over the appeals (the oracle)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from integration.test_analytics_rollup import GALICH_TEXT, PERIODS, PROPER, SHARYA_TEXT, agree, at, fold, ok, register
from otklik.adapters.db.tables.analytics_rollup import analytics_rollup_hours_pending, analytics_rollup_pending
from otklik.clock import FrozenClock
from otklik.domain.access import Role, staff
from otklik.services import analytics
from otklik.services.context import ServiceContext
from otklik.workers.rollup_job import rollup_fold_job
from staff_support import GALICH, GALICH_ADMIN, SHARYA, SHARYA_ADMIN

pytestmark = pytest.mark.db

# Folds in a transaction of its own, says so, and waits to be killed before it can commit.
KILLED_FOLD = """
import sys, time
from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.repositories.analytics_rollup import fold_pending

engine = build_engine(sys.argv[1])
with engine.connect() as connection:
    transaction = connection.begin()
    print(fold_pending(connection), flush=True)
    time.sleep(120)  # bounded: the test kills it long before
"""


def pending(ctx: ServiceContext) -> int:
    with ctx.uow(readonly=True) as uow:
        cells = uow.session.execute(select(func.count()).select_from(analytics_rollup_pending)).scalar_one()
        hours = uow.session.execute(select(func.count()).select_from(analytics_rollup_hours_pending)).scalar_one()
    return int(cells) + int(hours)


def lifecycle(ctx: ServiceContext, client: TestClient) -> None:
    """Registrations on two days, an answer (hours histogram) and a rating: deltas of every kind pending."""
    ctx.clock = clock = FrozenClock(at(2, 10))
    first = register(client, SHARYA_TEXT, SHARYA_ADMIN)
    register(client, GALICH_TEXT, GALICH_ADMIN)
    ctx.clock = clock = FrozenClock(at(3, 9))
    register(client, SHARYA_TEXT, SHARYA_ADMIN)
    clock.advance(hours=5)
    ok(client.post(f"/api/v1/appeals/{first}/answers", json={"text": PROPER}))
    clock.advance(hours=1)
    ok(client.post(f"/api/v1/appeals/{first}/ratings", json={"score": 4, "solved": True}))


def test_a_registration_counts_on_the_dashboard_at_its_commit(ctx: ServiceContext, client: TestClient) -> None:
    ctx.clock = FrozenClock(at(2, 10))
    admin = staff("fold.admin", Role.ADMIN)
    assert analytics.summary(ctx, admin, PERIODS[0]).total.value == 0
    register(client, SHARYA_TEXT, SHARYA_ADMIN)
    register(client, GALICH_TEXT, GALICH_ADMIN)
    assert pending(ctx) > 0, "nothing folded yet"
    whole = analytics.summary(ctx, admin, PERIODS[0])
    assert whole.total.value == 2
    assert {b.key: b.count.value for b in whole.volumes.by_municipality} == {GALICH: 1, SHARYA: 1}
    assert fold(ctx) > 0 and pending(ctx) == 0
    assert analytics.summary(ctx, admin, PERIODS[0]).total.value == 2, "the same after the fold"


def test_a_fold_killed_mid_transaction_loses_and_doubles_nothing(
    ctx: ServiceContext, client: TestClient, database_url: str
) -> None:
    lifecycle(ctx, client)
    before = pending(ctx)
    assert before > 0
    folder = subprocess.Popen(
        [sys.executable, "-c", KILLED_FOLD, database_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert folder.stdout is not None
        moved = folder.stdout.readline().strip()  # the fold ran: rows deleted and cells added, not committed
        assert moved == str(before), moved if moved else folder.stderr.read()
    finally:
        folder.kill()  # SIGKILL: no rollback of its own, the database undoes the open transaction
        folder.wait(timeout=30)
    assert pending(ctx) == before, "the killed fold's deletes were undone"
    for part in PERIODS:
        agree(ctx, part)  # and its additions to the cells too: the figures are the oracle's, not doubled
    assert fold(ctx) == before
    assert fold(ctx) == 0
    for part in PERIODS:
        agree(ctx, part)


def test_the_leaders_fold_job_empties_the_pending_deltas(ctx: ServiceContext, client: TestClient) -> None:
    lifecycle(ctx, client)
    assert pending(ctx) > 0
    stop = threading.Event()
    job = threading.Thread(target=rollup_fold_job(ctx, interval_seconds=0.05).run, args=(stop,))
    job.start()
    try:
        deadline = time.monotonic() + 30
        while pending(ctx) and time.monotonic() < deadline:  # bounded wait for the job's first ticks
            time.sleep(0.05)
    finally:
        stop.set()
        job.join(timeout=30)
    assert not job.is_alive()
    assert pending(ctx) == 0
    for part in PERIODS:
        agree(ctx, part)
