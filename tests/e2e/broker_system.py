"""The broker-mode system as real processes for the kill tests: `otklik serve` replicas and `otklik worker`s on one
PostgreSQL database and a RabbitMQ virtual host of their own, a sender that streams and re-delivers, and the checks
that nothing was lost or doubled. Loopback only; every wait is bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from broker_support import rabbitmqctl
from channels.loopback import free_port
from otklik.services.context import ServiceContext

MODEL_DIR = str(Path(os.environ.get("OTKLIK_MODEL_DIR", "var/models")).resolve())
STREETS = ["Советской", "Ленина", "Мира", "Симановского", "Никитской", "Горной", "Садовой", "Юбилейной"]
PROBLEMS = [
    "не вывозят мусор, контейнеры переполнены",
    "нет горячей воды уже третий день",
    "яма на дороге, машины ломают колёса",
    "не горят фонари, вечером темно и страшно",
    "течёт крыша, вода в подъезде",
]


def require_postgresql_and_rabbitmq(ctx: ServiceContext) -> None:
    # Collected only when asked for (tests/e2e/conftest.py); then a missing server is a failure, never a skip.
    assert ctx.uow.engine.dialect.name == "postgresql", "the broker's kill tests run on PostgreSQL"
    assert rabbitmqctl("status").returncode == 0, "RabbitMQ is not running here (rabbitmqctl status)"


@dataclass
class System:
    database_url: str
    broker_url: str
    workdir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def _env(self) -> dict[str, str]:
        return dict(
            os.environ,
            OTKLIK_DATABASE_URL=self.database_url,
            OTKLIK_BROKER_URL=self.broker_url,
            OTKLIK_MODEL_DIR=MODEL_DIR,
            OTKLIK_AUTO_MIGRATE="false",  # the test's session already migrated the database
            OTKLIK_LOG_LEVEL="WARNING",
        )

    def start(self, name: str, *args: str) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "otklik.cli.main", *args], env=self._env(), stdout=log, stderr=log, cwd=self.workdir
        )

    def start_api(self, name: str) -> str:
        self.ports[name] = self.ports.get(name) or free_port()
        self.start(name, "serve", "--port", str(self.ports[name]))
        return self.url(name)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def terminate(self, name: str) -> tuple[int, str]:
        """SIGTERM, as systemd and Compose stop a process; its exit code and its log once it has exited."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=90)
        return code, (self.workdir / f"{name}.log").read_text(errors="replace")

    def wait_ready(self, *names: str, timeout: float = 420) -> None:
        deadline = time.monotonic() + timeout
        for name in names:
            while True:
                assert self.processes[name].poll() is None, (self.workdir / f"{name}.log").read_text()[-3000:]
                try:
                    if httpx.get(f"{self.url(name)}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{name} did not answer within {timeout} s"
                time.sleep(0.5)

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.processes.clear()


def message(prefix: str, index: int) -> dict[str, object]:
    street, problem = STREETS[index % len(STREETS)], PROBLEMS[index % len(PROBLEMS)]
    return {
        "channel": "vk",
        "external_id": f"{prefix}-{index}",
        "text": f"Здравствуйте! Кострома, улица {street}, дом {index % 90 + 1}: {problem}. Обращение {index}.",
        "author": {"name": f"Житель {index}", "id": f"{prefix}-{index % 97}"},
        "created_at": "2026-11-27T10:00:00+03:00",
    }


@dataclass
class Sender:
    """Posts like a channel gateway: a refused or broken request is sent again later (VK and Telegram re-deliver),
    and every answer's message id is kept, per external id. One pooled HTTP client for the whole stream: a new
    client per request (a new SSL context each) cost the test process ~10 ms of CPU per message."""

    headers: dict[str, str]
    answers: dict[str, set[int]] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    def post(self, urls: list[str], prefix: str, index: int) -> None:
        body = message(prefix, index)
        for attempt in range(len(urls) * 3):
            try:
                url = f"{urls[attempt % len(urls)]}/api/v1/messages"
                response = self.http.post(url, json=body, headers=self.headers)
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            if response.status_code == 202:
                self.answers.setdefault(str(body["external_id"]), set()).add(int(response.json()["message_id"]))
                self.failed.discard(index)
                return
            time.sleep(0.2)
        self.failed.add(index)

    def stream(self, urls: list[str], prefix: str, indexes: range, *, clients: int = 8) -> None:
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(lambda i: self.post(urls, prefix, i), indexes))

    def close(self) -> None:
        self.http.close()


def wait_settled(ctx: ServiceContext, prefix: str, count: int, *, timeout: float = 300) -> None:
    """Until every message of the stream has an outcome and the outbox has nothing unfinished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with ctx.uow.engine.connect() as connection:
            decided = connection.execute(
                text("SELECT count(*) FROM messages WHERE external_id LIKE :p AND outcome IS NOT NULL"),
                {"p": f"{prefix}-%"},
            ).scalar_one()
            unfinished = connection.execute(text("SELECT count(*) FROM outbox WHERE dispatched_at IS NULL")).scalar()
        if decided == count and unfinished == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"not settled in {timeout} s: {decided}/{count} decided, {unfinished} events unfinished")


def assert_exactly_once(ctx: ServiceContext, sender: Sender, prefix: str, count: int) -> None:
    """One message per external id, each with one outcome; one appeal per registered message, numbers unique;
    every re-delivery answered with the first's id; no outbox row pending or parked; at most one ack per appeal."""
    assert not sender.failed, f"never accepted: {sorted(sender.failed)[:10]}"
    assert all(len(ids) == 1 for ids in sender.answers.values()), "a re-delivery got another message id"
    with ctx.uow.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT external_id, outcome, appeal_id FROM messages WHERE external_id LIKE :p"),
            {"p": f"{prefix}-%"},
        ).all()
        assert len(rows) == count == len({r.external_id for r in rows})
        assert all(r.outcome in ("registered", "not_an_appeal", "details") for r in rows)
        registered = [r.appeal_id for r in rows if r.outcome == "registered"]
        assert registered and len(set(registered)) == len(registered), "two messages share an appeal"
        numbers = connection.execute(
            text("SELECT number FROM appeals WHERE id = ANY(:ids)"), {"ids": registered}
        ).scalars()
        numbers = list(numbers)
        assert len(numbers) == len(registered) == len(set(numbers)), "an appeal is missing or a number repeats"
        parked = connection.execute(text("SELECT count(*) FROM outbox WHERE last_error IS NOT NULL")).scalar()
        assert parked == 0
        acks = connection.execute(
            text(
                "SELECT appeal_id, count(*) FROM deliveries WHERE kind = 'ack' AND appeal_id = ANY(:ids) "
                "GROUP BY appeal_id HAVING count(*) > 1"
            ),
            {"ids": registered},
        ).all()
        assert not acks, f"acknowledged twice: {acks[:5]}"
