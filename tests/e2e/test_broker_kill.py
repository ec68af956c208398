"""Broker mode under failure, as real processes on PostgreSQL and RabbitMQ: `kill -9` of a worker, of the scheduler's
holder and of an API process, and a broker restart, each in the middle of a stream that the sender re-delivers.
Afterwards every message has exactly one outcome, every appeal one number, and no outbox row is left behind."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from broker_support import broker_to_ourselves, rabbitmqctl, virtual_host
from e2e.broker_system import Sender, System, assert_exactly_once, require_postgresql_and_rabbitmq, wait_settled
from otklik.services import staff
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
# Messages per test (1,000: the module's budget is ~3 min on a quiet 2-core machine); the sender re-sends the last
# REDELIVERED it had sent before the crash. OTKLIK_TEST_KILL_STREAM sizes it for a slower or faster machine.
STREAM = int(os.environ.get("OTKLIK_TEST_KILL_STREAM", "1000"))
REDELIVERED = STREAM // 5


@pytest.fixture(scope="module")
def system(
    session_ctx: ServiceContext, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    require_postgresql_and_rabbitmq(session_ctx)
    with session_ctx.uow.engine.begin() as connection:  # events earlier tests of the session left (some parked)
        connection.execute(text("DELETE FROM outbox"))
    with virtual_host(hold=False) as broker_url:
        running = System(database_url, broker_url, Path(tmp_path_factory.mktemp("broker")))
        try:
            running.start_api("api-1")
            running.start_api("api-2")
            running.start("worker-1", "worker", "--concurrency", "2")
            running.start("worker-2", "worker", "--concurrency", "2")
            running.wait_ready("api-1", "api-2")
            yield running
        finally:
            running.stop_all()


@pytest.fixture(scope="module")
def sender(session_ctx: ServiceContext, system: System) -> Iterator[Sender]:
    token, _ = staff.create_token(session_ctx, "broker-kill-gateway", ["messages:*"])
    sending = Sender({"Authorization": f"Bearer {token}"})
    yield sending
    sending.close()


def _stream_with_crash(system: System, sender: Sender, prefix: str, crash: threading.Event, urls: list[str]) -> None:
    """Stream STREAM messages; when the first third is in, set `crash` and wait for the caller's crash to pass,
    then re-deliver the last REDELIVERED sent before it, and send the rest."""
    third = STREAM // 3
    sender.stream(urls, prefix, range(third))
    crash.set()
    time.sleep(1.0)
    sender.stream(urls, prefix, range(third - REDELIVERED, STREAM))


def _run(system: System, sender: Sender, prefix: str, urls: list[str], on_crash: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=_stream_with_crash, args=(system, sender, prefix, on_crash, urls), daemon=True)
    thread.start()
    return thread


def _leader_pid(ctx: ServiceContext) -> int | None:
    with ctx.uow.engine.connect() as connection:
        name = connection.execute(
            # This database's leader only: other systems on the same server (benches, other runs) have their own.
            text(
                "SELECT application_name FROM pg_stat_activity"
                " WHERE application_name LIKE 'otklik-leader-%' AND datname = current_database()"
            )
        ).scalar()
    return int(name.rsplit("-", 1)[1]) if name else None


def test_a_worker_killed_mid_stream_loses_and_doubles_nothing(
    session_ctx: ServiceContext, system: System, sender: Sender
) -> None:
    crash = threading.Event()
    stream = _run(system, sender, "kw", [system.url("api-1")], crash)
    assert crash.wait(120)
    system.kill("worker-2")
    system.start("worker-2", "worker", "--concurrency", "2")
    stream.join(120)
    wait_settled(session_ctx, "kw", STREAM)
    assert_exactly_once(session_ctx, sender, "kw", STREAM)


def test_a_worker_stopped_with_sigterm_mid_stream_returns_its_work(
    session_ctx: ServiceContext, system: System, sender: Sender
) -> None:
    """Graceful shutdown: the batches in flight finish (or go back to the queue), the process exits by itself,
    and the other worker decides everything that is left."""
    crash = threading.Event()
    stream = _run(system, sender, "kt", [system.url("api-1"), system.url("api-2")], crash)
    assert crash.wait(120)
    started = time.monotonic()
    code, log = system.terminate("worker-1")
    assert code == 0, log[-3000:]
    assert time.monotonic() - started < 60, "SIGTERM took longer than its shutdown timeout"
    assert "Traceback" not in log, log[-3000:]
    stream.join(120)
    wait_settled(session_ctx, "kt", STREAM)
    assert_exactly_once(session_ctx, sender, "kt", STREAM)
    system.start("worker-1", "worker", "--concurrency", "2")


def test_the_scheduler_lease_moves_when_its_holder_is_killed(
    session_ctx: ServiceContext, system: System, sender: Sender
) -> None:
    crash = threading.Event()
    stream = _run(system, sender, "ks", [system.url("api-1"), system.url("api-2")], crash)
    assert crash.wait(120)
    holder = _leader_pid(session_ctx)
    assert holder is not None, "no process holds the leader lease"
    name = next(n for n, p in system.processes.items() if p.pid == holder)
    system.kill(name)
    deadline = time.monotonic() + 20
    while (successor := _leader_pid(session_ctx)) in (None, holder):
        assert time.monotonic() < deadline, "the lease did not move within 20 s"
        time.sleep(0.5)
    assert successor in {p.pid for p in system.processes.values()}
    if name.startswith("api"):
        system.start_api(name)
    else:
        system.start(name, "worker", "--concurrency", "2")
    stream.join(120)
    wait_settled(session_ctx, "ks", STREAM)
    assert_exactly_once(session_ctx, sender, "ks", STREAM)


def test_an_api_process_killed_mid_stream_loses_and_doubles_nothing(
    session_ctx: ServiceContext, system: System, sender: Sender
) -> None:
    system.wait_ready("api-1", "api-2")
    crash = threading.Event()
    stream = _run(system, sender, "ka", [system.url("api-1"), system.url("api-2")], crash)
    assert crash.wait(120)
    system.kill("api-1")  # requests in flight break; the sender sends them again, to the other replica
    stream.join(120)
    system.start_api("api-1")
    wait_settled(session_ctx, "ka", STREAM)
    assert_exactly_once(session_ctx, sender, "ka", STREAM)


def test_a_broker_restart_mid_stream_loses_nothing(session_ctx: ServiceContext, system: System, sender: Sender) -> None:
    system.wait_ready("api-1", "api-2")
    # The lock first (tests/broker_support.py), so the restart lands mid-stream however long other test processes
    # keep the broker busy.
    with broker_to_ourselves():
        crash = threading.Event()
        stream = _run(system, sender, "kb", [system.url("api-1"), system.url("api-2")], crash)
        assert crash.wait(120)
        try:
            assert rabbitmqctl("stop_app").returncode == 0
            time.sleep(3)  # the API keeps accepting: it writes only to the database
        finally:
            assert rabbitmqctl("start_app").returncode == 0
    stream.join(120)
    wait_settled(session_ctx, "kb", STREAM)
    assert_exactly_once(session_ctx, sender, "kb", STREAM)
