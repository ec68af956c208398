"""Spike detector: false alarms on steady seasonal streams, detection delay and share detected on injected bursts
(pure: domain/spikes.py on synthetic event times), and one scan of the database over a realistic number of series.

Synthetic streams: Poisson processes, rate per series log-uniform between 0.2 and 40 a day, shaped by a
weekday profile (weekends 0.6) and an hour-of-day profile (night 0.2, working day 1.6); four weeks of baseline,
then the detector runs every SCAN_MINUTES like the service does. A burst adds N appeals spread evenly over
BURST_HOURS on top of the series' own stream. Everything is bounded in count; the whole run takes about a minute.
"""

from __future__ import annotations

import bisect
import math
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from otklik.domain.spikes import Baseline, SpikeRule, assess

RULE = SpikeRule()
SEED = 9
STEADY_SERIES = 120
STEADY_DAYS = 14  # evaluated days after the baseline
SCAN_MINUTES = 10
BURST_SIZES = (5, 8, 12, 20, 40)
BURST_TRIALS = 60  # per size
BURST_HOURS = 2.0
MAX_DELAY_HOURS = 6.0
START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
WEEKDAY = (1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.6)
HOUR = tuple(0.2 if h < 7 or h >= 22 else 1.6 if 9 <= h < 18 else 0.9 for h in range(24))
HOUR_NORM = sum(HOUR) / 24
WEEK_NORM = sum(WEEKDAY) / 7


def _stream(rng: random.Random, per_day: float, start: datetime, hours: int) -> list[datetime]:
    """Event times of a seasonal Poisson process, hour by hour (Moscow time = UTC+3 for the profiles)."""
    events: list[datetime] = []
    for hour in range(hours):
        at = start + timedelta(hours=hour)
        local = at + timedelta(hours=3)
        rate = per_day / 24 * WEEKDAY[local.weekday()] / WEEK_NORM * HOUR[local.hour] / HOUR_NORM
        for _ in range(_poisson(rng, rate)):
            events.append(at + timedelta(seconds=rng.random() * 3600))
    events.sort()
    return events


def _poisson(rng: random.Random, mean: float) -> int:
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _rate(rng: random.Random) -> float:
    return math.exp(rng.uniform(math.log(0.2), math.log(40.0)))


def _baseline(events: list[datetime], now: datetime) -> Baseline:
    window_start = now - timedelta(hours=RULE.window_hours)
    since = window_start - timedelta(days=RULE.baseline_days)
    lo, hi = bisect.bisect_left(events, since), bisect.bisect_left(events, window_start)
    return Baseline.of(events[lo:hi], RULE.baseline_days * 24)


def _window_count(events: list[datetime], now: datetime) -> int:
    return bisect.bisect_left(events, now) - bisect.bisect_left(events, now - timedelta(hours=RULE.window_hours))


def false_alarms(rng: random.Random) -> tuple[int, int, int]:
    """(alerts raised, series-days watched, scans) on steady streams; an alert closes when the tail is back."""
    raised = scans = 0
    hours = (RULE.baseline_days + STEADY_DAYS) * 24
    first = START + timedelta(days=RULE.baseline_days)
    for _ in range(STEADY_SERIES):
        events = _stream(rng, _rate(rng), START, hours)
        open_alert = False
        for day in range(STEADY_DAYS):
            day_start = first + timedelta(days=day)
            baseline = _baseline(events, day_start)  # the baseline moves slowly: once a day is close enough here
            for step in range(24 * 60 // SCAN_MINUTES):
                now = day_start + timedelta(minutes=step * SCAN_MINUTES)
                verdict = assess(baseline, _window_count(events, now), now - timedelta(hours=RULE.window_hours), RULE)
                scans += 1
                if not open_alert and verdict.flagged:
                    raised, open_alert = raised + 1, True
                elif open_alert and not verdict.still_high:
                    open_alert = False
    return raised, STEADY_SERIES * STEADY_DAYS, scans


def bursts(rng: random.Random, size: int) -> tuple[int, list[float]]:
    """(detected, delays in minutes from the burst's start) over BURST_TRIALS series."""
    delays: list[float] = []
    hours = (RULE.baseline_days + 2) * 24
    for _ in range(BURST_TRIALS):
        events = _stream(rng, _rate(rng), START, hours)
        burst_start = START + timedelta(days=RULE.baseline_days, hours=rng.uniform(0, 24))
        burst = [burst_start + timedelta(hours=BURST_HOURS * (i + 0.5) / size) for i in range(size)]
        merged = sorted(events + burst)
        baseline = _baseline(events, burst_start)
        step = 0
        while step * SCAN_MINUTES <= MAX_DELAY_HOURS * 60:
            now = burst_start + timedelta(minutes=step * SCAN_MINUTES)
            verdict = assess(baseline, _window_count(merged, now), now - timedelta(hours=RULE.window_hours), RULE)
            if verdict.flagged:
                delays.append(step * SCAN_MINUTES)
                break
            step += 1
    return len(delays), delays


def db_scan_seconds() -> tuple[int, int, float, float]:
    """One scan of the database: 29 municipalities × 12 groups with four weeks of appeals at the rate of a million
    a year (SQLite temp file, or OTKLIK_BENCH_DATABASE_URL): as the service runs it, and with every series that has
    an appeal in the window assessed in full (min_count=1, the worst case of a busy hour)."""
    from sqlalchemy import insert

    from otklik.adapters.db.tables.appeals import appeals
    from otklik.adapters.db.tables.messages import messages
    from otklik.bootstrap import bootstrap
    from otklik.clock import FrozenClock
    from otklik.observability import configure_logging
    from otklik.services.spike_alerts import scan_spikes
    from otklik.settings import Settings

    configure_logging("WARNING")
    workdir = Path(tempfile.mkdtemp(prefix="otklik-bench-spikes-"))
    url = os.environ.get("OTKLIK_BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    now = START + timedelta(days=RULE.baseline_days + 1)
    ctx = bootstrap(Settings(database_url=url), clock=FrozenClock(now))
    rng = random.Random(SEED)
    groups = [g.name for g in ctx.reference.rubricator.groups if g.active][:12]
    municipalities = [m.id for m in ctx.reference.municipalities]
    rows_m, rows_a = [], []
    hours = (RULE.baseline_days + 1) * 24
    for m_index, municipality in enumerate(municipalities):
        for group in groups:
            for at in _stream(rng, _rate(rng), START, hours):
                n = len(rows_a) + 1
                rows_m.append(_message_row(n, at))
                rows_a.append(_appeal_row(n, at, municipality, group, m_index))
    with ctx.uow.engine.begin() as connection:
        for chunk in range(0, len(rows_m), 5000):
            connection.execute(insert(messages), rows_m[chunk : chunk + 5000])
            connection.execute(insert(appeals), rows_a[chunk : chunk + 5000])
    started = time.perf_counter()
    scan_spikes(ctx)
    usual = time.perf_counter() - started
    started = time.perf_counter()
    scan_spikes(ctx, SpikeRule(min_count=1))
    return len(municipalities) * len(groups), len(rows_a), usual, time.perf_counter() - started


def _message_row(n: int, at: datetime) -> dict[str, object]:
    return {
        "id": n,
        "channel": "bench",
        "external_id": f"bench-{n}",
        "text": "текст",
        "author": {},
        "context": {},
        "attachments": [],
        "created_at": at,
        "received_at": at,
        "outcome": "registered",
    }


def _appeal_row(n: int, at: datetime, municipality: str, group: str, index: int) -> dict[str, object]:
    return {
        "id": n,
        "number": f"44-2026-{n:06d}",
        "kind": "message",
        "status": "assigned",
        "channel": "bench",
        "message_id": n,
        "text": "текст",
        "text_masked": "текст",
        "group": group,
        "municipality_id": municipality,
        "priority": "normal",
        "toxic": False,
        "explanation": {},
        "created_at": at,
        "redirect_count": 0,
    }


def main() -> None:
    rng = random.Random(SEED)
    started = time.perf_counter()
    raised, series_days, scans = false_alarms(rng)
    print(f"spikes_steady_series: {STEADY_SERIES} series")
    print(f"spikes_steady_scans: {scans} scans")
    print(f"spikes_false_alarms: {raised} alerts")
    print(f"spikes_false_alarm_rate: {raised / series_days:.5f} per series-day")
    for size in BURST_SIZES:
        detected, delays = bursts(rng, size)
        delays.sort()
        median = delays[len(delays) // 2] if delays else float("nan")
        print(f"spikes_burst_{size}_detected: {detected / BURST_TRIALS:.3f} share")
        print(f"spikes_burst_{size}_delay_median: {median:.0f} min")
        if delays:
            print(f"spikes_burst_{size}_delay_p90: {delays[min(len(delays) - 1, int(len(delays) * 0.9))]:.0f} min")
    print(f"spikes_pure_seconds: {time.perf_counter() - started:.1f} s")
    if "--no-db" not in sys.argv:
        series, rows, usual, every = db_scan_seconds()
        print(f"spikes_db_series: {series} series")
        print(f"spikes_db_appeals: {rows} appeals")
        print(f"spikes_db_scan: {usual * 1000:.0f} ms")
        print(f"spikes_db_scan_every_series: {every * 1000:.0f} ms")


if __name__ == "__main__":
    main()
