"""Ingestion end to end over real HTTP on loopback: POST /api/v1/messages → stored, analysed, routed."""

from __future__ import annotations

import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from otklik.bootstrap import bootstrap
from otklik.observability import configure_logging
from otklik.settings import Settings
from otklik.web.app import create_app

COUNT = 400  # bounded: the loop stops after COUNT messages or MAX_SECONDS
MAX_SECONDS = 120
TEXTS = (
    "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса, когда отремонтируют?",
    "Нет отопления в квартире, Кострома, ул. Мира, в батареях холодно уже третий день, дома +14.",
    "Мусор не вывозят две недели, контейнерная площадка на Ленина в Буе завалена.",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="otklik-bench-"))
    url = os.environ.get("OTKLIK_BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    configure_logging("WARNING")
    started = time.perf_counter()
    ctx = bootstrap(Settings(database_url=url))
    print(f"bootstrap_seconds: {time.perf_counter() - started:.2f} s")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=30) as http:
        for _ in range(100):
            try:
                http.get("/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        latencies = []
        begin = time.perf_counter()
        for i in range(COUNT):
            body = {
                "channel": "vk",
                "external_id": f"bench-{i}",
                "text": TEXTS[i % len(TEXTS)],
                "author": {"id": str(i)},
                "created_at": "2026-11-27T10:00:00+03:00",
            }
            t0 = time.perf_counter()
            response = http.post("/api/v1/messages", json=body)
            latencies.append(time.perf_counter() - t0)
            if response.status_code != 202:
                sys.exit(f"unexpected {response.status_code}: {response.text}")
            if time.perf_counter() - begin > MAX_SECONDS:
                break
        elapsed = time.perf_counter() - begin
    server.should_exit = True
    latencies.sort()
    print(f"ingest_messages: {len(latencies)} count")
    print(f"ingest_throughput: {len(latencies) / elapsed:.1f} msg/s")
    print(f"ingest_latency_p50: {statistics.median(latencies) * 1000:.1f} ms")
    print(f"ingest_latency_p99: {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
