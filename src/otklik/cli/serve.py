"""`otklik serve`: the web service, optionally with a demo stream of appeals.

Without a broker it does everything, as one process. With `OTKLIK_BROKER_URL` it stores messages and their outbox
rows and answers 202; `otklik worker` processes decide them. Either way it contends for the leader lease, and runs
the schedulers (outbox relay or drain, delivery, pollers, scans) while it holds it (workers/schedule.py)."""

from __future__ import annotations

import os
import secrets
import threading
from typing import Any

import structlog
import typer
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from otklik.bootstrap import bootstrap
from otklik.cli.heap import freeze_startup_heap
from otklik.demo.accounts import describe, ensure_demo_accounts
from otklik.demo.senders import with_demo_senders
from otklik.demo.stream import DemoStream
from otklik.notify.registry import discover_senders
from otklik.observability import configure_logging
from otklik.services.context import ServiceContext
from otklik.settings import load_settings
from otklik.web.app import create_app
from otklik.workers.schedule import run_scheduler

log = structlog.get_logger(__name__)
WORKER_HEALTHCHECK_SECONDS = 60

# uvicorn's options for every HTTP process; "auto" picks uvloop and httptools, both dependencies (docs/ingestion.md).
# bench/bench_ingest.py runs its yardstick app with the same options.
HTTP_OPTIONS: dict[str, Any] = {"loop": "auto", "http": "auto"}


def serve(
    host: str = typer.Option(None, help="address to listen on (default from OTKLIK_HOST, 127.0.0.1)"),
    port: int = typer.Option(None, help="port (default from OTKLIK_PORT, 8000)"),
    demo: bool = typer.Option(False, help="load a realistic stream of demo appeals across the region"),
    demo_backlog: int = typer.Option(120, help="demo appeals created at start"),
    demo_interval: float = typer.Option(5.0, help="seconds between live demo appeals"),
    workers: int = typer.Option(1, min=1, max=64, help="HTTP processes on the one port (uvicorn's workers)"),
) -> None:
    """Start the service on the configured database (SQLite by default)."""
    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    if demo and settings.api_key is None:
        demo_key = "demo-" + secrets.token_urlsafe(12)
        settings = settings.model_copy(update={"api_key": SecretStr(demo_key)})
        os.environ["OTKLIK_API_KEY"] = demo_key  # the same key in every HTTP process of --workers N
        log.warning("demo.api_key_configured", reason="--demo: a random OTKLIK_API_KEY for Open311 and the hotline")
    ctx = bootstrap(settings)
    stop = threading.Event()
    senders = discover_senders(settings)
    run_scheduler(ctx, lambda: with_demo_senders(senders) if demo else senders, stop)
    if demo:
        stream = DemoStream(ctx, seed=44)
        stream.backfill(demo_backlog)
        threading.Thread(target=stream.run, args=(stop, demo_interval), daemon=True, name="demo-stream").start()
    bind_host, bind_port = host or settings.host, port or settings.port
    if demo:
        _print_demo_seats(ctx, f"http://{bind_host}:{bind_port}")
    log.info("serve.start", url=f"http://{bind_host}:{bind_port}", database=ctx.uow.ping(), demo=demo)
    try:
        if workers == 1:
            app = create_app(ctx)
            freeze_startup_heap()  # a full collection no longer walks the models and the app (cli/heap.py)
            uvicorn.run(app, host=bind_host, port=bind_port, log_level=settings.log_level.lower(), **HTTP_OPTIONS)
        else:  # each HTTP process builds its own context; this one keeps the scheduler
            uvicorn.run(
                "otklik.cli.serve:http_app",
                factory=True,
                workers=workers,
                host=bind_host,
                port=bind_port,
                log_level=settings.log_level.lower(),
                # A child answers uvicorn's health ping from a thread while it builds its context (models, reference
                # data): on a loaded machine that took longer than uvicorn's 5 s, and the parent killed and restarted
                # starting children in a loop.
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                **HTTP_OPTIONS,
            )
    finally:
        stop.set()


def http_app() -> FastAPI:
    """The app of one HTTP process of `otklik serve --workers N`: the API only, no schedulers."""
    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    app = create_app(bootstrap(settings))
    freeze_startup_heap()
    return app


def _print_demo_seats(ctx: ServiceContext, url: str) -> None:
    """The newcomer's way in: every demo seat with its password, printed once at start."""
    lines = [f"Демо-доступ: {url}/ui/login  (пароли новые при каждом запуске)"]
    for seat, password in ensure_demo_accounts(ctx):
        lines.append(f"  {seat.login:<22} {password:<20} {describe(seat, ctx)}")
    assert ctx.settings.api_key is not None
    lines.append(f"  API-ключ Open311 и горячей линии (OTKLIK_API_KEY): {ctx.settings.api_key.get_secret_value()}")
    print("\n".join(lines), flush=True)
