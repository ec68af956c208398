"""What a channel gateway sees when it posts messages: accepted POST /api/v1/messages per second and its latency,
side by side with a trivial FastAPI endpoint in the same run (issue 10).

Every party is a process of its own, on loopback only:
- a trivial FastAPI app (one async endpoint that takes the same JSON body and answers 202) under uvicorn with the
  same options `otklik serve` uses (`otklik.cli.serve.HTTP_OPTIONS`);
- `otklik serve` in broker mode on a fresh PostgreSQL database and a RabbitMQ virtual host of its own (both created
  here and dropped after), then `otklik serve` in the embedded mode on a fresh SQLite file (there each message is
  understood and registered before the answer, so its rate is the whole system's, not the accept path's);
- a load process: `--clients` concurrent keep-alive clients (aiohttp), each message unique (text from
  `bench/messages.py`, its own external id), posted with a gateway token made by `otklik tokens create`.

Bounded: each target gets `--warmup` requests, then at most `--count` requests or `--max-seconds`, whichever ends
first. Figures (`name: value unit`): trivial_rps; accept_rps_pg, accept_ratio_pg (percent of trivial),
accept_p50_ms_pg, accept_p95_ms_pg, accept_p99_ms_pg, accept_cpu_ms_pg (the API process's CPU per accepted
message, the figure that a loaded machine disturbs least) and accept_cpu_ratio_pg (the trivial app's CPU per request
as a percentage of it: the rate ratio a client that is never the limit would see); the same with `_sqlite`.
Goals: accept_ratio_pg ≥ 25 %, accept_p99_ms_pg ≤ 50 ms. Every answer must be 202 with a Location naming the
message; the rows are counted in the database after.

    .venv/bin/python bench/bench_ingest.py [--clients 32] [--count 4000] [--max-seconds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from messages import make_messages  # noqa: E402  (bench/ is a folder of scripts, not a package)
from scratch_database import scratch_postgresql  # noqa: E402

RABBITMQ = os.environ.get("OTKLIK_BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
MODEL_DIR = Path(os.environ.get("OTKLIK_MODEL_DIR", ROOT / "var" / "models")).resolve()
START_TIMEOUT = 300.0  # the first start builds the text models (≈ 30 s), on a loaded machine much longer


@dataclass(frozen=True)
class LoadResult:
    accepted: int
    elapsed: float
    latencies_ms: list[float]
    errors: list[str]
    server_cpu_seconds: float

    @property
    def rps(self) -> float:
        return self.accepted / self.elapsed if self.elapsed else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


# --- the trivial app -----------------------------------------------------------------------------------------
def trivial_app() -> Any:
    """The yardstick: what FastAPI and uvicorn cost on this machine for the same request, with nothing behind."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    app = FastAPI()

    @app.post("/api/v1/messages", status_code=202)
    async def accept(body: dict[str, Any]) -> JSONResponse:
        return JSONResponse({"message_id": 1}, status_code=202, headers={"Location": "/api/v1/messages/1"})

    return app


def run_trivial(port: int) -> None:
    import uvicorn

    from otklik.cli.serve import HTTP_OPTIONS

    uvicorn.run(trivial_app(), host="127.0.0.1", port=port, log_level="warning", **HTTP_OPTIONS)


# --- the load process ------------------------------------------------------------------------------------------
def _body(prefix: str, index: int, text: str) -> dict[str, Any]:
    return {
        "channel": "vk",
        "external_id": f"{prefix}-{index}",
        "text": text,
        "author": {"name": f"Житель {index % 997}", "id": f"id{index % 4999}"},
        "created_at": "2026-11-27T10:00:00+03:00",
    }


async def _drive(
    url: str, token: str, texts: dict[int, str], prefix: str, clients: int, max_seconds: float
) -> dict[str, Any]:
    """Post every text once (its key is the message's number) over `clients` kept-alive connections; stop early
    at `max_seconds`."""
    import aiohttp

    latencies: list[float] = []
    errors: list[str] = []
    numbers = list(texts)
    next_index = 0
    deadline = time.monotonic() + max_seconds
    headers = {"Authorization": f"Bearer {token}"}

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal next_index
        while next_index < len(numbers) and time.monotonic() < deadline:
            index = numbers[next_index]
            next_index += 1
            started = time.perf_counter()
            try:
                async with session.post(url, json=_body(prefix, index, texts[index]), headers=headers) as response:
                    answer = await response.read()
                    took = (time.perf_counter() - started) * 1000
            except (TimeoutError, aiohttp.ClientError) as error:  # counted, not fatal: the sender sees it
                errors.append(f"{type(error).__name__} after {time.perf_counter() - started:.1f} s")
                continue
            location = response.headers.get("Location", "")
            if response.status != 202 or not location.startswith("/api/v1/messages/"):
                errors.append(f"{response.status} {answer[:200]!r}")
                continue
            latencies.append(took)

    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"accepted": len(latencies), "elapsed": elapsed, "latencies_ms": latencies, "errors": errors}


def run_load(arguments: list[str]) -> None:
    url, token, prefix, first, count, clients, max_seconds = arguments
    texts = dict(enumerate(unique_texts(int(first) + int(count))))
    texts = {number: texts[number] for number in range(int(first), int(first) + int(count))}
    result = asyncio.run(_drive(url, token, texts, prefix, int(clients), float(max_seconds)))
    print(json.dumps(result))


def unique_texts(count: int) -> list[str]:
    """`count` distinct realistic texts: the generator's, de-duplicated, in a fixed order."""
    texts: list[str] = []
    seed = 7
    while len(texts) < count:
        texts = list(dict.fromkeys(texts + make_messages(count, seed=seed)))
        seed += 1
    return texts[:count]


# --- the orchestrator -------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc): the server's own work, whatever else the machine is doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer within {START_TIMEOUT:.0f} s")


@contextmanager
def _process(command: list[str], env: dict[str, str], log: Path, ready_url: str) -> Iterator[int]:
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=output, cwd=ROOT)
    try:
        _wait_http(ready_url, process, log)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _load(
    pid: int, url: str, token: str, prefix: str, options: argparse.Namespace, profile: Path | None = None
) -> LoadResult:
    """Warm the server up, then measure; the client is a process of its own so it never shares the server's GIL.
    With `profile`, py-spy samples the server during the measured part (collapsed stacks, for flamegraph tools)."""

    def run(first: int, count: int) -> dict[str, Any]:
        command = [sys.executable, __file__, "load", url, token, prefix, str(first), str(count)]
        command += [str(options.clients), str(options.max_seconds)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=options.max_seconds + 120, check=True)
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    run(0, options.warmup)
    with _profiled(pid, profile):
        cpu_before = _cpu_seconds(pid)
        measured = run(options.warmup, options.count)
        cpu = _cpu_seconds(pid) - cpu_before
    return LoadResult(measured["accepted"], measured["elapsed"], measured["latencies_ms"], measured["errors"], cpu)


@contextmanager
def _profiled(pid: int, output: Path | None) -> Iterator[None]:
    if output is None:
        yield
        return
    command = [
        str(Path(sys.executable).parent / "py-spy"),
        "record",
        "--gil",
        "--nonblocking",  # py-spy otherwise pauses the server for each sample: the latencies it prints would grow
        "--pid",
        str(pid),
        "--format",
        "raw",
        "--rate",
        "250",
        "--output",
        str(output),
    ]
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        spy.wait(timeout=60)


def _otklik_env(database_url: str, broker_url: str | None) -> dict[str, str]:
    env = dict(
        os.environ, OTKLIK_DATABASE_URL=database_url, OTKLIK_MODEL_DIR=str(MODEL_DIR), OTKLIK_LOG_LEVEL="WARNING"
    )
    env.pop("OTKLIK_BROKER_URL", None)
    if broker_url:
        env["OTKLIK_BROKER_URL"] = broker_url
    return env


def _gateway_token(env: dict[str, str]) -> str:
    command = [
        sys.executable,
        "-m",
        "otklik.cli.main",
        "tokens",
        "create",
        "--name",
        "bench-vk",
        "--scopes",
        "messages:vk",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=START_TIMEOUT, check=True, cwd=ROOT)
    return done.stdout.strip().splitlines()[-1]


def _stored_messages(database_url: str, prefix: str) -> tuple[int, int]:
    """Messages of this run and their outbox rows, counted in the database the server wrote to."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT count(*) FROM messages WHERE external_id LIKE :p"), {"p": f"{prefix}-%"}
        ).scalar_one()
        events = connection.execute(text("SELECT count(*) FROM outbox WHERE topic = 'message.received'")).scalar_one()
    engine.dispose()
    return int(stored), int(events)


def measure_otklik(name: str, database_url: str, broker_url: str | None, options: argparse.Namespace) -> LoadResult:
    env = _otklik_env(database_url, broker_url)
    port = _free_port()
    log = options.workdir / f"serve-{name}.log"
    token = _gateway_token(env)  # migrates and seeds the fresh database first
    command = [sys.executable, "-m", "otklik.cli.main", "serve", "--port", str(port)]
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    base = f"http://127.0.0.1:{port}"
    with _process(command, env, log, f"{base}/healthz") as pid:
        profile = options.profile.with_suffix(f".{name}.txt") if options.profile else None
        result = _load(pid, f"{base}/api/v1/messages", token, prefix, options, profile)
    stored, events = _stored_messages(database_url, prefix)
    sent = options.warmup + result.accepted
    if stored < sent or events < sent:
        sys.exit(f"{name}: {sent} accepted but {stored} messages and {events} outbox rows stored")
    return result


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60, check=True)


@contextmanager
def fresh_vhost() -> Iterator[str]:
    name = f"otklik_bench_{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield RABBITMQ + name
    finally:
        _rabbitmqctl("delete_vhost", name)


def measure_trivial(options: argparse.Namespace) -> LoadResult:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, __file__, "trivial", str(port)]
    with _process(command, dict(os.environ), options.workdir / "trivial.log", f"{base}/docs") as pid:
        return _load(pid, f"{base}/api/v1/messages", "none", "trivial", options)


def report(suffix: str, result: LoadResult, trivial: LoadResult) -> None:
    print(f"errors_{suffix}: {len(result.errors)} count" + (f"  (first: {result.errors[0]})" if result.errors else ""))
    print(f"accept_rps_{suffix}: {result.rps:.0f} msg/s")
    print(f"accept_ratio_{suffix}: {100 * result.rps / trivial.rps:.1f} %")
    print(f"accept_p50_ms_{suffix}: {result.percentile(0.50):.1f} ms")
    print(f"accept_p95_ms_{suffix}: {result.percentile(0.95):.1f} ms")
    print(f"accept_p99_ms_{suffix}: {result.percentile(0.99):.1f} ms")
    cpu_ms = 1000 * result.server_cpu_seconds / max(result.accepted, 1)
    print(f"accept_cpu_ms_{suffix}: {cpu_ms:.2f} ms/msg")
    # The same comparison by CPU instead of by rate: what the ratio would be if both servers had a core each and
    # the client were never the limit. A loaded machine or a slow client moves the rate ratio, hardly this one.
    trivial_cpu_ms = 1000 * trivial.server_cpu_seconds / max(trivial.accepted, 1)
    print(f"accept_cpu_ratio_{suffix}: {100 * trivial_cpu_ms / max(cpu_ms, 1e-9):.1f} %")
    print(f"accept_count_{suffix}: {result.accepted} count")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent keep-alive clients")
    parser.add_argument("--count", type=int, default=4000, help="measured requests per target (at most)")
    parser.add_argument("--warmup", type=int, default=300, help="requests before measuring, per target")
    parser.add_argument("--max-seconds", type=float, default=40.0, help="measured seconds per target (at most)")
    parser.add_argument("--profile", type=Path, help="py-spy the API process: collapsed stacks to PROFILE.<db>.txt")
    parser.add_argument("--skip-sqlite", action="store_true", help="measure the trivial app and PostgreSQL only")
    options = parser.parse_args()
    options.workdir = Path(tempfile.mkdtemp(prefix="otklik-bench-ingest-"))
    print(f"load_average_start: {os.getloadavg()[0]:.2f} load")
    print(f"clients: {options.clients} count")
    try:
        trivial = measure_trivial(options)
        print(f"trivial_rps: {trivial.rps:.0f} req/s")
        print(f"trivial_p99_ms: {trivial.percentile(0.99):.1f} ms")
        print(f"trivial_cpu_ms: {1000 * trivial.server_cpu_seconds / max(trivial.accepted, 1):.2f} ms/req")
        with scratch_postgresql("otklik_bench_ingest") as database_url, fresh_vhost() as broker_url:
            report("pg", measure_otklik("pg", database_url, broker_url, options), trivial)
        if not options.skip_sqlite:
            database_url = f"sqlite:///{options.workdir / 'bench.db'}"
            report("sqlite", measure_otklik("sqlite", database_url, None, options), trivial)
    finally:
        print(f"load_average_end: {os.getloadavg()[0]:.2f} load")
        shutil.rmtree(options.workdir, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["trivial"]:
        run_trivial(int(sys.argv[2]))
    elif sys.argv[1:2] == ["load"]:
        run_load(sys.argv[2:])
    else:
        main()
