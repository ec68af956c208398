"""The request limits under load: a bounded burst of maximum-size and over-size requests against the real server
(uvicorn on loopback, SQLite, in its own process), with the server's RSS before and after and the status counts.

Maximum-size: messages whose `context` is just under its 16 KB limit and `text` at 20,000 characters; over-size:
bodies above `max_body_bytes` (413 as the bytes arrive) and contexts above their limit (422)."""

from __future__ import annotations

import collections
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BURST = 60  # bounded: the burst stops after BURST requests of each kind or MAX_SECONDS
MAX_SECONDS = 180
SERVER = """
import sys, uvicorn
from otklik.bootstrap import bootstrap
from otklik.observability import configure_logging
from otklik.services import staff
from otklik.settings import Settings
from otklik.web.app import create_app
configure_logging("WARNING")
ctx = bootstrap(Settings(database_url=sys.argv[1], password_rounds=4))
token, _ = staff.create_token(ctx, "bench-limits", ["messages:*"])
print(token, flush=True)
uvicorn.run(create_app(ctx), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _message(i: int, context_bytes: int) -> dict[str, object]:
    return {
        "channel": "vk",
        "external_id": f"bench-limits-{i}",
        "text": ("Не вывозят мусор на улице Мира в Буе. " * 600)[:20_000],
        "created_at": "2026-11-27T10:00:00+03:00",
        "context": {"blob": "x" * context_bytes},
    }


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="otklik-bench-limits-"))
    port = _free_port()
    url = f"sqlite:///{workdir / 'bench.db'}"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(port)], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    try:
        assert server.stdout is not None
        token = server.stdout.readline().strip()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    client.get("/healthz").raise_for_status()
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            before = _rss_mb(server.pid)
            counts: collections.Counter[str] = collections.Counter()
            started = time.monotonic()
            kinds = (
                ("max_size", lambda i: _message(i, 16 * 1024 - 100)),
                ("context_over", lambda i: _message(i, 17 * 1024)),
                ("body_over", lambda i: _message(i, 2 * 1024 * 1024)),
            )
            for i in range(BURST):  # the kinds interleaved: each is sent even when time runs out
                if time.monotonic() - started > MAX_SECONDS:
                    break
                for kind, make in kinds:
                    response = client.post("/api/v1/messages", json=make(i))
                    counts[f"{kind}_{response.status_code}"] += 1
            elapsed = time.monotonic() - started
            after = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"limits_server_rss_before: {before:.1f} MB")
    print(f"limits_server_rss_after: {after:.1f} MB")
    print(f"limits_server_rss_growth: {after - before:.1f} MB")
    print(f"limits_burst_seconds: {elapsed:.1f} s")
    for key, value in sorted(counts.items()):
        print(f"limits_status_{key}: {value} requests")


if __name__ == "__main__":
    main()
