"""A bounded soak in broker mode: `otklik serve` + 2 `otklik worker` on a fresh PostgreSQL database and a RabbitMQ
virtual host of their own (bench_processing's scaffolding), messages posted over HTTP at a steady rate for
`--minutes` (default 20), and a reply stream beside them: an operator answers registered appeals with interim
replies through the staff API (status, history, rollup deltas and a notice to the citizen each).

Prints (`name: value unit`), every `--window` seconds and in total:
- soak_tNNNN_*: for the window ending at second NNNN — messages sent and decided per second, accept → number p50 and
  p99 of the messages decided in it, the outbox lag (oldest unfinished event) at its end, the resident memory of
  the API and the workers together, the replies sent.
- soak_*: the whole run — throughput, p99, outbox lag max, memory growth (end − first window), replies failed.

Every loop is bounded in count and time; only 127.0.0.1. Needs PostgreSQL and RabbitMQ (scripts/ensure-services.sh).
Figures depend on the machine's load: print `uptime` beside them.
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

PREFIX = "soak"
REPLY_TEXT = "Ваше обращение взято в работу, специалист выезжает на место."


def _rss_mb(pids: list[int]) -> float:
    """Resident memory of the processes together (VmRSS from /proc)."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


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


class ReplyStream:
    """An operator answering registered appeals with interim replies, at most `rate` a second (bounded by the run)."""

    def __init__(self, http: httpx.Client, engine: Engine, token: str, rate: float) -> None:
        self.http, self.engine, self.rate = http, engine, rate
        self.headers = {"Authorization": f"Bearer {token}"}
        self.replied: set[int] = set()
        self.sent = 0
        self.failed = 0

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            with self.engine.connect() as connection:
                ids = [
                    int(i)
                    for i in connection.execute(
                        text(
                            "SELECT appeal_id FROM messages WHERE external_id LIKE :p AND appeal_id IS NOT NULL "
                            "ORDER BY processed_at DESC LIMIT 200"
                        ),
                        {"p": f"{PREFIX}-%"},
                    ).scalars()
                ]
            for appeal_id in [i for i in ids if i not in self.replied][: max(1, int(self.rate))]:
                self.replied.add(appeal_id)
                try:
                    response = self.http.post(
                        f"/api/v1/appeals/{appeal_id}/replies",
                        json={"kind": "interim", "text": REPLY_TEXT},
                        headers=self.headers,
                    )
                    ok = response.status_code in (200, 201)
                except httpx.TransportError:
                    ok = False
                self.sent += ok
                self.failed += not ok


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


def soak(minutes: float, rate: float, window: float, reply_rate: float) -> None:
    texts = make_messages(500, seed=23)
    with broker_system("otklik_bench_soak", "soak") as system:
        database_url, vhost, gateway, env = system.database_url, system.vhost, system.token, system.env
        processes = Processes(env, system.workdir)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        engine = create_engine(database_url, pool_size=3)
        try:
            processes.start("api", "serve", "--port", str(port))
            _wait_http(processes, base)
            names = ["worker-1", "worker-2"]
            for name in names:
                processes.start(name, "worker", "--concurrency", "2")
            _wait_consumers(processes, vhost, len(names), names)
            pids = [processes.running[name].pid for name in ("api", *names)]
            limits = httpx.Limits(max_connections=CLIENTS + 2, max_keepalive_connections=CLIENTS + 2)
            with httpx.Client(base_url=base, timeout=30, limits=limits) as http:
                replies = ReplyStream(http, engine, _staff_token(env, http), reply_rate)
                _stream(http, engine, gateway, texts, replies, pids, minutes, rate, window)
        finally:
            processes.stop(*list(processes.running))
            engine.dispose()


def _stream(
    http: httpx.Client,
    engine: Engine,
    gateway: str,
    texts: list[str],
    replies: ReplyStream,
    pids: list[int],
    minutes: float,
    rate: float,
    window: float,
) -> None:
    count = int(rate * minutes * 60)
    headers = {"Authorization": f"Bearer {gateway}"}
    stop = threading.Event()
    replier = threading.Thread(target=replies.run, args=(stop,), daemon=True)
    replier.start()
    begin, begin_epoch = time.monotonic(), time.time()
    windows: list[tuple[float, float, float]] = []  # (rss, lag, decided per second)
    next_window, last_decided, last_epoch = begin + window, 0, begin_epoch
    sent = 0

    def post(i: int) -> None:
        _post_with(http, headers, _body(PREFIX, i, texts))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for i in range(count):  # bounded in count; paced to the rate
            delay = begin + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, i)
            sent += 1
            if time.monotonic() >= next_window:
                now_epoch = time.time()
                decided = _decided(engine, PREFIX)
                latencies = _latencies_between(engine, last_epoch, now_epoch)
                lag, rss = _outbox_lag(engine), _rss_mb(pids)
                elapsed = now_epoch - last_epoch
                windows.append((rss, lag, (decided - last_decided) / elapsed))
                tag = f"soak_t{int(now_epoch - begin_epoch):04d}"
                print(f"{tag}_sent: {sent / (time.monotonic() - begin):.1f} msg/s")
                print(f"{tag}_decided: {(decided - last_decided) / elapsed:.1f} msg/s")
                print(f"{tag}_accept_to_number_p50: {_quantile(latencies, 0.50) * 1000:.0f} ms")
                print(f"{tag}_accept_to_number_p99: {_quantile(latencies, 0.99) * 1000:.0f} ms")
                print(f"{tag}_outbox_lag: {lag:.2f} s")
                print(f"{tag}_rss_api_and_workers: {rss:.0f} MB")
                print(f"{tag}_replies_sent: {replies.sent} count", flush=True)
                next_window += window
                last_decided, last_epoch = decided, now_epoch
    sent_seconds = time.monotonic() - begin
    deadline = time.monotonic() + PHASE_TIMEOUT
    while _decided(engine, PREFIX) < count and time.monotonic() < deadline:  # bounded drain
        time.sleep(0.5)
    stop.set()
    replier.join(timeout=30)
    total_seconds = time.monotonic() - begin
    latencies = _latencies_between(engine, begin_epoch - 1, time.time() + 1)
    decided = _decided(engine, PREFIX)
    print(f"soak_minutes: {sent_seconds / 60:.1f} min")
    print(f"soak_sent: {count / sent_seconds:.1f} msg/s")
    print(f"soak_decided: {decided} of {count} count")
    print(f"soak_throughput: {decided / total_seconds:.1f} msg/s")
    print(f"soak_accept_to_number_p50: {_quantile(latencies, 0.50) * 1000:.0f} ms")
    print(f"soak_accept_to_number_p99: {_quantile(latencies, 0.99) * 1000:.0f} ms")
    print(f"soak_outbox_lag_mean: {statistics.fmean(w[1] for w in windows) if windows else 0.0:.2f} s")
    print(f"soak_outbox_lag_max: {max((w[1] for w in windows), default=0.0):.2f} s")
    if windows:
        print(f"soak_memory_growth: {windows[-1][0] - windows[0][0]:.0f} MB")
    print(f"soak_replies_sent: {replies.sent} count")
    print(f"soak_replies_failed: {replies.failed} count")


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
    args = parser.parse_args()
    print(f"load_average_1min_at_start: {os.getloadavg()[0]:.2f} load")
    soak(args.minutes, args.rate, args.window, args.reply_rate)
    print(f"load_average_1min_at_end: {os.getloadavg()[0]:.2f} load")


if __name__ == "__main__":
    main()
