"""A channel's send limit holds across processes: two real processes, each with its own engine, sending as fast as
they may on one channel never exceed the rate together (the per-process bucket before gave each the full rate)."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from otklik.notify.rate_limit import SharedSendLimits, burst_of
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db

# One sender process: takes what the shared limit allows until its time is up, prints how many it got.
SENDER = """
import sys, time
from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.notify.rate_limit import SharedSendLimits

url, channel = sys.argv[1], sys.argv[2]
rate, start_at, seconds = (float(value) for value in sys.argv[3:6])
limits = SharedSendLimits(UnitOfWorkFactory(build_engine(url)), {channel: rate})
granted = 0
time.sleep(max(0.0, start_at - time.time()))
while time.time() < start_at + seconds:  # bounded in time; each try is one short transaction
    wait = limits.try_take(channel)
    if wait == 0:
        granted += 1
    else:
        time.sleep(min(wait, 0.005))
print(granted)
"""


def test_two_processes_together_stay_within_the_rate(ctx: ServiceContext, database_url: str) -> None:
    channel, rate, seconds = f"t-{uuid.uuid4().hex[:8]}", 20.0, 3.0
    start_at = time.time() + 4.0  # both import and connect first, then start together
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SENDER, database_url, channel, str(rate), str(start_at), str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    counts = [int(process.communicate(timeout=60)[0].strip()) for process in processes]
    assert all(process.returncode == 0 for process in processes)
    # GCRA's bound over the window: the initial burst plus the rate; one more for the edges of the window.
    ceiling = burst_of(rate) + rate * seconds + 1
    assert sum(counts) <= ceiling, counts
    assert sum(counts) >= 0.7 * rate * seconds, counts  # and the limit is not stricter than configured
    assert min(counts) > 0, counts  # both really competed for the same budget


def test_a_burst_then_the_wait_is_told(ctx: ServiceContext) -> None:
    channel = f"t-{uuid.uuid4().hex[:8]}"
    limits = SharedSendLimits(ctx.uow, {channel: 0.5})  # one send every two seconds, one at most at once
    assert limits.try_take(channel) == 0.0
    assert 1.5 < limits.try_take(channel) <= 2.0
    assert SharedSendLimits(ctx.uow, {}).try_take(channel) == 0.0  # a channel without a limit is never held back


def test_a_changed_limit_starts_afresh(ctx: ServiceContext) -> None:
    channel = f"t-{uuid.uuid4().hex[:8]}"
    slow = SharedSendLimits(ctx.uow, {channel: 0.001})  # one send, then the next in 1,000 s
    assert slow.try_take(channel) == 0.0
    assert slow.try_take(channel) > 900
    fast = SharedSendLimits(ctx.uow, {channel: 1000.0})  # the setting raised: no debt of the old limit
    assert fast.try_take(channel) == 0.0
