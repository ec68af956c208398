"""`otklik worker`: consumes the broker's outbox events (understanding and registration), N threads per process.

Each thread takes one broker message (a batch of event ids) at a time: the understanding of a batch runs in one
thread at a time per process (it is CPU-bound), while the other threads write their batches' decisions.

Run as many as the stream needs, on any machines that reach the database and the broker. Each also contends for
the leader lease, so the schedulers keep running when the process that had them dies (workers/schedule.py)."""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType

import structlog
import typer
from dramatiq import Worker

from otklik.adapters.bus.broker import EVENTS_QUEUE, BrokerBus
from otklik.adapters.bus.consumer import declare_consumer
from otklik.bootstrap import bootstrap
from otklik.cli.heap import freeze_startup_heap
from otklik.notify.registry import discover_senders
from otklik.observability import configure_logging
from otklik.services.handlers import BATCH_HANDLERS, HANDLERS
from otklik.settings import load_settings
from otklik.workers.schedule import run_scheduler

log = structlog.get_logger(__name__)
# How long SIGTERM waits for the batches in flight (a batch takes well under a second); systemd's default stop
# timeout is 90 s, so this returns before the supervisor resorts to SIGKILL.
SHUTDOWN_TIMEOUT_MS = 60_000


def worker(
    concurrency: int = typer.Option(2, min=1, max=64, help="broker messages (event batches) handled at once (threads)"),
    schedulers: bool = typer.Option(True, help="also contend for the leader lease and run the schedulers"),
) -> None:
    """Handle outbox events from the broker (OTKLIK_BROKER_URL) until SIGTERM or SIGINT."""
    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    if not settings.broker_url:
        typer.echo("otklik worker needs OTKLIK_BROKER_URL (e.g. amqp://guest:guest@127.0.0.1:5672/)", err=True)
        raise typer.Exit(2)
    ctx = bootstrap(settings)
    assert isinstance(ctx.bus, BrokerBus)
    declare_consumer(ctx.bus.broker, ctx, HANDLERS, BATCH_HANDLERS)
    stop = threading.Event()
    _stop_on_signals(stop)
    scheduler = None
    if schedulers:
        senders = discover_senders(settings)
        scheduler = run_scheduler(ctx, lambda: senders, stop)
    consumer = Worker(ctx.bus.broker, queues={EVENTS_QUEUE}, worker_threads=concurrency)
    # Unacknowledged batches = threads (Dramatiq's default is twice that): a batch is 25 events, so a backlog stays
    # on the queue for whichever worker has a free thread instead of waiting behind a busy one.
    consumer.queue_prefetch = concurrency
    freeze_startup_heap()  # the models stay out of every full collection (cli/heap.py)
    consumer.start()
    log.info("worker.start", concurrency=concurrency, schedulers=schedulers, database=ctx.uow.ping())
    try:
        stop.wait()
    finally:
        # Graceful: the batches in flight finish and are acknowledged; prefetched ones go back to the queue. The
        # scheduler's jobs stop and the lease is released at once, so another process takes it without waiting.
        # One deadline for both: the scheduler saw `stop` already and winds down meanwhile, so its join only takes
        # what is left of the budget — the whole shutdown stays within SHUTDOWN_TIMEOUT_MS, under systemd's 90 s.
        deadline = time.monotonic() + SHUTDOWN_TIMEOUT_MS / 1000
        consumer.stop(timeout=SHUTDOWN_TIMEOUT_MS)
        if scheduler is not None:
            scheduler.join(timeout=max(0.0, deadline - time.monotonic()))
        ctx.bus.broker.close()
        log.info("worker.stopped")


def _stop_on_signals(stop: threading.Event) -> None:
    def on_signal(signum: int, _: FrameType | None) -> None:
        log.info("worker.signal", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
