"""A bounded soak in broker mode: `otklik serve` + 2 `otklik worker` on a fresh PostgreSQL database and a RabbitMQ
virtual host of their own (bench_processing's scaffolding), messages posted over HTTP at a steady rate for
`--minutes` (default 20), and a reply stream beside them: an operator (admin: every appeal is in scope) opens the
queue of assigned appeals through the staff API and answers them with interim replies (status, history, rollup
deltas and a notice to the citizen each). `--replies-to newest` keeps the old choice — the newest decided messages'
appeals, whatever their status — to show what it asked for (soak_replies.py).

Prints (`name: value unit`), every `--window` seconds and in total:
- soak_tNNNN_*: for the window ending at second NNNN — messages sent and decided per second, accept → number p50 and
  p99 of the messages decided in it, the outbox lag (oldest unfinished event) at its end, the resident memory of
  the API and of the two workers, the CPU milliseconds per decided message of the workers, of the API and of this
  database's PostgreSQL backends, the appeals in the database, and the replies sent / refused (expected,
  unexpected).
- soak_*: the whole run — throughput, p99, outbox lag, memory growth of API and workers (last − first window), and
  the replies: sent, refused as the rules require, refused unexpectedly, then a table of the refusals by HTTP
  status, the appeal's status and the reason the API gave.

Every loop is bounded in count and time; only 127.0.0.1. Needs PostgreSQL and RabbitMQ (scripts/ensure-services.sh).
Figures depend on the machine's load: print `uptime` beside them; CPU per message is the figure that load moves least.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).parent))
from bench_processing import (
    CLIENTS,
    PHASE_TIMEOUT,
    START_TIMEOUT,
    Processes,
    _body,
    _decided,
    _free_port,
    _outbox_lag,
    _quantile,
    _wait_consumers,
    _wait_http,
    broker_system,
)
from messages import make_messages
from soak_probes import BENCH_APPLICATION, BackendCpu, appeal_count, cpu_seconds, rss_mb
from soak_replies import Candidates, ReplyStream, assigned_queue, print_breakdown

PREFIX = "soak"
WORKERS = ("worker-1", "worker-2")


def _latencies_between(engine: Engine, start: float, end: float) -> list[float]:
    """accept → decision seconds of the registered messages decided in [start, end) (epoch seconds)."""
    with engine.connect() as connection:
        return sorted(
            float(seconds)
            for seconds in connection.execute(
                text(
                    "SELECT extract(epoch FROM processed_at - received_at) FROM messages "
                    "WHERE external_id LIKE :p AND outcome = 'registered' "
                    "AND processed_at >= to_timestamp(:s) AND processed_at < to_timestamp(:e)"
                ),
                {"p": f"{PREFIX}-%", "s": start, "e": end},
            ).scalars()
        )


def _newest_appeals(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [
            int(i)
            for i in connection.execute(
                text(
                    "SELECT appeal_id FROM messages WHERE external_id LIKE :p AND appeal_id IS NOT NULL "
                    "ORDER BY processed_at DESC LIMIT 200"
                ),
                {"p": f"{PREFIX}-%"},
            ).scalars()
        ]


def _staff_token(env: dict[str, str], http: httpx.Client) -> str:
    password = "Длинный-пароль-для-нагрузки-2026"
    subprocess.run(
        [sys.executable, "-m", "otklik.cli.main", "users", "add", "soak.admin", "--role", "admin", "--password-stdin"],
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=True,
    )
    response = http.post("/api/v1/auth/token", data={"username": "soak.admin", "password": password})
    response.raise_for_status()
    return str(response.json()["access_token"])


@dataclass(frozen=True)
class Sample:
    """The counters at one window's end; a window's figures are the difference of two samples."""

    epoch: float
    decided: int
    api_cpu: float
    worker_cpu: float
    postgres_cpu: float
    rss_api: float
    rss_workers: float


@dataclass
class Monitor:
    engine: Engine
    api: int
    workers: list[int]
    backends: BackendCpu

    def sample(self) -> Sample:
        self.backends.poll()
        return Sample(
            time.time(),
            _decided(self.engine, PREFIX),
            cpu_seconds(self.api),
            sum(cpu_seconds(pid) for pid in self.workers),
            self.backends.total(),
            rss_mb([self.api]),
            rss_mb(self.workers),
        )


def soak(minutes: float, rate: float, window: float, reply_rate: float, replies_to: str) -> None:
    texts = make_messages(500, seed=23)
    with broker_system("otklik_bench_soak", "soak") as system:
        database_url, vhost, gateway, env = system.database_url, system.vhost, system.token, system.env
        processes = Processes(env, system.workdir)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        engine = create_engine(database_url, pool_size=3, connect_args={"application_name": BENCH_APPLICATION})
        try:
            processes.start("api", "serve", "--port", str(port))
            _wait_http(processes, base)
            for name in WORKERS:
                processes.start(name, "worker", "--concurrency", "2")
            _wait_consumers(processes, vhost, len(WORKERS), list(WORKERS))
            monitor = Monitor(
                engine,
                processes.running["api"].pid,
                [processes.running[name].pid for name in WORKERS],
                BackendCpu(engine),
            )
            limits = httpx.Limits(max_connections=CLIENTS + 2, max_keepalive_connections=CLIENTS + 2)
            with httpx.Client(base_url=base, timeout=30, limits=limits) as http:
                candidates: Candidates = assigned_queue
                if replies_to == "newest":  # the old soak's choice, kept to show what it asked for
                    candidates = lambda _stream: _newest_appeals(engine)  # noqa: E731
                replies = ReplyStream(http, _staff_token(env, http), reply_rate, candidates)
                _stream(http, engine, gateway, texts, replies, monitor, minutes, rate, window)
        finally:
            processes.stop(*list(processes.running))
            engine.dispose()


def _print_window(tag: str, before: Sample, after: Sample, engine: Engine, sent_rate: float) -> None:
    elapsed = after.epoch - before.epoch
    decided = after.decided - before.decided
    per_message = 1000 / max(decided, 1)  # ms of CPU per decided message
    latencies = _latencies_between(engine, before.epoch, after.epoch)
    print(f"{tag}_sent: {sent_rate:.1f} msg/s")
    print(f"{tag}_decided: {decided / elapsed:.1f} msg/s")
    print(f"{tag}_accept_to_number_p50: {_quantile(latencies, 0.50) * 1000:.0f} ms")
    print(f"{tag}_accept_to_number_p99: {_quantile(latencies, 0.99) * 1000:.0f} ms")
    print(f"{tag}_outbox_lag: {_outbox_lag(engine):.2f} s")
    print(f"{tag}_worker_cpu_per_message: {(after.worker_cpu - before.worker_cpu) * per_message:.1f} ms")
    print(f"{tag}_postgres_cpu_per_message: {(after.postgres_cpu - before.postgres_cpu) * per_message:.1f} ms")
    print(f"{tag}_api_cpu_per_message: {(after.api_cpu - before.api_cpu) * per_message:.1f} ms")
    print(f"{tag}_appeals_in_database: {appeal_count(engine)} count")
    print(f"{tag}_rss_api: {after.rss_api:.0f} MB")
    print(f"{tag}_rss_workers: {after.rss_workers:.0f} MB")


def _stream(
    http: httpx.Client,
    engine: Engine,
    gateway: str,
    texts: list[str],
    replies: ReplyStream,
    monitor: Monitor,
    minutes: float,
    rate: float,
    window: float,
) -> None:
    count = int(rate * minutes * 60)
    headers = {"Authorization": f"Bearer {gateway}"}
    stop = threading.Event()
    replier = threading.Thread(target=replies.run, args=(stop,), daemon=True)
    replier.start()
    begin = time.monotonic()
    clock = WindowClock(monitor, engine, replies, begin, window)

    def post(i: int) -> None:
        _post_with(http, headers, _body(PREFIX, i, texts))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for i in range(count):  # bounded in count; paced to the rate
            delay = begin + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, i)
            clock.tick(sent=i + 1)
    sent_seconds = time.monotonic() - begin
    deadline = time.monotonic() + PHASE_TIMEOUT
    while _decided(engine, PREFIX) < count and time.monotonic() < deadline:  # bounded drain; windows go on
        time.sleep(0.5)
        clock.tick(sent=count)
    stop.set()
    replier.join(timeout=30)
    _print_totals(engine, replies, clock.first, clock.windows, count, sent_seconds, time.monotonic() - begin)


@dataclass
class WindowClock:
    """Polls the backends every second and prints a window's figures when one ends, while sending and draining."""

    monitor: Monitor
    engine: Engine
    replies: ReplyStream
    begin: float
    window: float
    windows: list[tuple[Sample, float]] = field(default_factory=list)  # (the sample at a window's end, outbox lag)

    def __post_init__(self) -> None:
        self.first = self.last = self.monitor.sample()
        self.next_window, self.next_poll = self.begin + self.window, self.begin + 1.0

    def tick(self, sent: int) -> None:
        now = time.monotonic()
        if now >= self.next_poll:  # short-lived backends are seen before they close
            self.monitor.backends.poll()
            self.next_poll = now + 1.0
        if now < self.next_window:
            return
        sample = self.monitor.sample()
        tag = f"soak_t{int(sample.epoch - self.first.epoch):04d}"
        _print_window(tag, self.last, sample, self.engine, sent / (now - self.begin))
        expected, unexpected = self.replies.counts()
        print(f"{tag}_replies_sent: {self.replies.sent} count")
        print(f"{tag}_replies_refused_expected: {expected} count")
        print(f"{tag}_replies_refused_unexpected: {unexpected} count", flush=True)
        self.windows.append((sample, _outbox_lag(self.engine)))
        self.next_window += self.window
        self.last = sample


def _print_totals(
    engine: Engine,
    replies: ReplyStream,
    first: Sample,
    windows: list[tuple[Sample, float]],
    count: int,
    sent_seconds: float,
    total_seconds: float,
) -> None:
    latencies = _latencies_between(engine, first.epoch - 1, time.time() + 1)
    decided = _decided(engine, PREFIX)
    lags = [lag for _, lag in windows]
    print(f"soak_minutes: {sent_seconds / 60:.1f} min")
    print(f"soak_sent: {count / sent_seconds:.1f} msg/s")
    print(f"soak_decided: {decided} of {count} count")
    print(f"soak_throughput: {decided / total_seconds:.1f} msg/s")
    print(f"soak_accept_to_number_p50: {_quantile(latencies, 0.50) * 1000:.0f} ms")
    print(f"soak_accept_to_number_p99: {_quantile(latencies, 0.99) * 1000:.0f} ms")
    print(f"soak_outbox_lag_mean: {statistics.fmean(lags) if lags else 0.0:.2f} s")
    print(f"soak_outbox_lag_max: {max(lags, default=0.0):.2f} s")
    if windows:
        start, end = windows[0][0], windows[-1][0]
        print(f"soak_rss_api_growth: {end.rss_api - start.rss_api:.0f} MB")
        print(f"soak_rss_workers_growth: {end.rss_workers - start.rss_workers:.0f} MB")
    print_breakdown(replies, "soak")


def _post_with(http: httpx.Client, headers: dict[str, str], body: dict[str, object]) -> None:
    for _ in range(3):  # bounded: a refused request is sent again, as a gateway would
        try:
            if http.post("/api/v1/messages", json=body, headers=headers).status_code == 202:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"not accepted: {body['external_id']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="how long the stream runs (bounded)")
    parser.add_argument("--rate", type=float, default=20.0, help="messages a second")
    parser.add_argument("--window", type=float, default=60.0, help="seconds between printed windows")
    parser.add_argument("--reply-rate", type=float, default=2.0, help="operator replies a second")
    parser.add_argument(
        "--replies-to",
        choices=("queue", "newest"),
        default="queue",
        help="queue: the assigned appeals an operator sees; newest: the newest decided messages' appeals (old soak)",
    )
    args = parser.parse_args()
    print(f"load_average_1min_at_start: {os.getloadavg()[0]:.2f} load")
    soak(args.minutes, args.rate, args.window, args.reply_rate, args.replies_to)
    print(f"load_average_1min_at_end: {os.getloadavg()[0]:.2f} load")


if __name__ == "__main__":
    main()
