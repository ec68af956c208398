"""Processing in broker mode, as separate processes: `otklik serve` + N `otklik worker` on a fresh PostgreSQL
database and a RabbitMQ virtual host of their own, messages posted over HTTP on loopback.

Prints (`name: value unit`):
- processed_throughput_1_worker, processed_throughput_2_workers: a backlog of BACKLOG messages posted while no worker
  runs, then decided by 1 (then 2) workers; messages decided per second while all the workers were consuming (their
  incident linking interleaved; each phase starts from an empty outbox).
- worker_cpu_per_message_N, postgres_cpu_per_message_N: CPU seconds (user + system, from /proc) of the worker
  processes and of the database's server processes during that phase, per message decided — the cost of a message
  where the wall clock on a shared machine says little.
- at a steady RATE msg/s for STEADY_SECONDS (2 workers): accept → decision latency p50/p95/p99 (`received_at` to
  `processed_at` of each registered message, both stamped by the servers; the appeal number is assigned in the
  decision's transaction), the outbox lag (age of the oldest unfinished event, sampled every second), and the
  database transactions per message of all processes together (pg_stat_database).

Every loop is bounded in count and time; only 127.0.0.1. Needs PostgreSQL and RabbitMQ (scripts/ensure-services.sh).
Figures depend on the machine's load: print `uptime` beside them.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).parent))
from messages import make_messages
from scratch_database import scratch_postgresql

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
BACKLOG = int(os.environ.get("OTKLIK_BENCH_BACKLOG", "1000"))  # messages per throughput phase
RATE = float(os.environ.get("OTKLIK_BENCH_RATE", "100"))  # messages per second in the steady phase
STEADY_SECONDS = float(os.environ.get("OTKLIK_BENCH_STEADY_SECONDS", "30"))
CLIENTS = 16  # concurrent senders
PHASE_TIMEOUT = 300.0  # no phase waits longer than this for its messages to be decided
START_TIMEOUT = 300.0


def _rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60, check=False)


@contextmanager
def _vhost() -> Iterator[str]:
    name = f"otklik_bench_{uuid.uuid4().hex[:8]}"
    if _rabbitmqctl("add_vhost", name).returncode != 0:
        sys.exit("RabbitMQ is not running here (scripts/ensure-services.sh starts it)")
    _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield name
    finally:
        _rabbitmqctl("delete_vhost", name)


class Processes:
    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            [sys.executable, "-m", "otklik.cli.main", *args], env=self.env, stdout=log, stderr=log, cwd=self.workdir
        )

    def alive(self, name: str) -> None:
        if self.running[name].poll() is not None:
            sys.exit(f"{name} exited: " + (self.workdir / f"{name}.log").read_text(errors="replace")[-2000:])

    def stop(self, *names: str) -> None:
        for name in names:
            self.running[name].send_signal(signal.SIGTERM)
        for name in names:
            process = self.running.pop(name)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(processes: Processes, base: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        processes.alive("api")
        with suppress(httpx.TransportError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    sys.exit("otklik serve did not answer in time")


def _consumers(vhost: str) -> int:
    result = _rabbitmqctl("list_queues", "-p", vhost, "--no-table-headers", "--quiet", "name", "consumers")
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "otklik.events":
            return int(parts[1])
    return 0


def _wait_consumers(processes: Processes, vhost: str, count: int, names: list[str]) -> float:
    """Until `count` workers consume from the queue (each has loaded its models); when that happened."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for name in names:
            processes.alive(name)
        if _consumers(vhost) >= count:
            return time.monotonic()
        time.sleep(0.2)
    sys.exit(f"{count} workers did not start consuming in time")


def _body(prefix: str, index: int, texts: list[str]) -> dict[str, object]:
    return {
        "channel": "vk",
        "external_id": f"{prefix}-{index}",
        "text": f"{texts[index % len(texts)]} Обращение {prefix}-{index}.",  # unique: no two are the same text
        "author": {"name": f"Житель {index}", "id": f"{prefix}-{index}"},
        "created_at": "2026-11-27T10:00:00+03:00",
    }


def _post(http: httpx.Client, body: dict[str, object]) -> None:
    for _ in range(3):  # bounded: a refused request is sent again, as a gateway would
        with suppress(httpx.TransportError):
            if http.post("/api/v1/messages", json=body).status_code == 202:
                return
        time.sleep(0.2)
    raise RuntimeError(f"not accepted: {body['external_id']}")


def _post_all(http: httpx.Client, prefix: str, count: int, texts: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(lambda i: _post(http, _body(prefix, i, texts)), range(count)))


def _decided(engine: Engine, prefix: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM messages WHERE external_id LIKE :p AND outcome IS NOT NULL"),
                {"p": f"{prefix}-%"},
            ).scalar_one()
        )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [
            int(pid)
            for pid in connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).scalars()
        ]


def _cpu(pids: list[int]) -> dict[int, float]:
    return {pid: _cpu_seconds(pid) for pid in pids}


def _throughput(
    engine: Engine, prefix: str, count: int, ready_at: float, workers: list[int]
) -> tuple[float, float, float]:
    """Messages decided per second from the moment every worker consumed until the last was decided, and the CPU
    seconds per message of the workers and of the database's server processes meanwhile."""
    deadline = ready_at + PHASE_TIMEOUT
    start_count = _decided(engine, prefix)
    worker_cpu, server_cpu = _cpu(workers), _cpu(_server_pids(engine))
    start = time.monotonic()
    done = start_count
    while done < count:
        if time.monotonic() > deadline:
            sys.exit(f"{prefix}: only {done}/{count} decided in {PHASE_TIMEOUT:.0f} s")
        time.sleep(0.1)
        done = _decided(engine, prefix)
    decided = count - start_count
    rate = decided / (time.monotonic() - start)
    worker_used = sum(_cpu_seconds(pid) - before for pid, before in worker_cpu.items())
    server_used = sum(_cpu_seconds(pid) - server_cpu.get(pid, 0.0) for pid in _server_pids(engine))
    return rate, worker_used / max(decided, 1), server_used / max(decided, 1)


def _wait_drained(engine: Engine) -> None:
    deadline = time.monotonic() + PHASE_TIMEOUT
    while _outbox_lag(engine) > 0.0:
        if time.monotonic() > deadline:
            sys.exit(f"the outbox did not drain in {PHASE_TIMEOUT:.0f} s")
        time.sleep(0.2)


def _outbox_lag(engine: Engine) -> float:
    with engine.connect() as connection:
        age = connection.execute(
            text("SELECT extract(epoch FROM now() - min(created_at)) FROM outbox WHERE dispatched_at IS NULL")
        ).scalar()
    return float(age or 0.0)


def _transactions(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
            ).scalar_one()
        )


def _steady(http: httpx.Client, engine: Engine, texts: list[str]) -> None:
    count = int(RATE * STEADY_SECONDS)
    lags: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            lags.append(_outbox_lag(engine))

    sampler = threading.Thread(target=sample, daemon=True)
    transactions_before = _transactions(engine)
    sampler.start()
    begin = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for i in range(count):
            delay = begin + i / RATE - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(_post, http, _body("steady", i, texts))
    sent_seconds = time.monotonic() - begin
    deadline = time.monotonic() + PHASE_TIMEOUT
    while _decided(engine, "steady") < count and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    sampler.join(timeout=5)
    transactions = _transactions(engine) - transactions_before
    with engine.connect() as connection:
        latencies = sorted(
            float(seconds)
            for seconds in connection.execute(
                text(
                    "SELECT extract(epoch FROM processed_at - received_at) FROM messages "
                    "WHERE external_id LIKE 'steady-%' AND outcome = 'registered'"
                )
            ).scalars()
        )
    decided = _decided(engine, "steady")
    print(f"steady_rate_sent: {count / sent_seconds:.1f} msg/s")
    print(f"steady_decided: {decided} of {count} count")
    print(f"accept_to_number_p50: {_quantile(latencies, 0.50) * 1000:.0f} ms")
    print(f"accept_to_number_p95: {_quantile(latencies, 0.95) * 1000:.0f} ms")
    print(f"accept_to_number_p99: {_quantile(latencies, 0.99) * 1000:.0f} ms")
    print(f"outbox_lag_mean: {statistics.fmean(lags) if lags else 0.0:.2f} s")
    print(f"outbox_lag_max: {max(lags, default=0.0):.2f} s")
    print(f"transactions_per_message_all_processes: {transactions / count:.1f} count")


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


@dataclass(frozen=True)
class BrokerSystem:
    """A fresh database and RabbitMQ vhost, the environment the processes run with, and a gateway token."""

    env: dict[str, str]
    database_url: str
    vhost: str
    workdir: Path
    token: str


@contextmanager
def broker_system(database: str, token_name: str) -> Iterator[BrokerSystem]:
    """Everything a broker-mode bench needs before it starts processes; dropped on exit."""
    with (
        scratch_postgresql(database) as database_url,
        _vhost() as vhost,
        tempfile.TemporaryDirectory(prefix=f"{database}-") as tmp,
    ):
        env = dict(
            os.environ,
            OTKLIK_DATABASE_URL=database_url,
            OTKLIK_BROKER_URL=RABBITMQ + vhost,
            OTKLIK_LOG_LEVEL="WARNING",
        )
        env.setdefault("OTKLIK_MODEL_DIR", str(Path("var/models").resolve()))
        created = subprocess.run(
            [
                sys.executable,
                "-m",
                "otklik.cli.main",
                "tokens",
                "create",
                "--name",
                token_name,
                "--scopes",
                "messages:*",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=True,
        )  # also migrates and seeds the fresh database
        yield BrokerSystem(env, database_url, vhost, Path(tmp), created.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"load_average_1min_at_start: {os.getloadavg()[0]:.2f} load")
    texts = make_messages(500, seed=11)
    with broker_system("otklik_bench_proc", "bench") as system:
        database_url, vhost, token = system.database_url, system.vhost, system.token
        processes = Processes(system.env, system.workdir)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        engine = create_engine(database_url, pool_size=2)
        try:
            processes.start("api", "serve", "--port", str(port))
            _wait_http(processes, base)
            limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30, limits=limits) as http:
                for workers in (1, 2):
                    prefix = f"backlog{workers}"
                    _post_all(http, prefix, BACKLOG, texts)  # no worker runs: the backlog waits on the queue
                    names = [f"worker-{n}" for n in range(1, workers + 1)]
                    for name in names:
                        processes.start(name, "worker", "--concurrency", "2")
                    ready_at = _wait_consumers(processes, vhost, workers, names)
                    pids = [processes.running[name].pid for name in names]
                    rate, worker_cpu, server_cpu = _throughput(engine, prefix, BACKLOG, ready_at, pids)
                    suffix = f"{workers}_worker{'s' if workers > 1 else ''}"
                    print(f"processed_throughput_{suffix}: {rate:.1f} msg/s")
                    print(f"worker_cpu_per_message_{suffix}: {worker_cpu * 1000:.1f} ms")
                    print(f"postgres_cpu_per_message_{suffix}: {server_cpu * 1000:.1f} ms")
                    _wait_drained(engine)  # the next phase starts from an empty outbox (no incident linking left)
                    if workers == 1:
                        processes.stop(*names)
                _steady(http, engine, texts)
        finally:
            processes.stop(*list(processes.running))
            engine.dispose()
    print(f"load_average_1min_at_end: {os.getloadavg()[0]:.2f} load")


if __name__ == "__main__":
    main()
