"""What must run once across all processes, and the process-side wiring that runs it under the leader lease.

The jobs: the outbox (relay to the broker, or the in-process drain on a timer), the delivery worker, the channel
pollers, the deadline and spike scans, the dashboard rollup's fold. `otklik serve` and every `otklik worker` start
`run_scheduler`; the lease lets exactly one of them run the jobs at a time and moves them when that one dies."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import structlog

from otklik.adapters.bus.broker import BrokerBus
from otklik.adapters.bus.inprocess import InProcessBus
from otklik.adapters.bus.relay import OutboxRelay
from otklik.notify.sender import ChannelSender
from otklik.notify.worker import DeliveryWorker
from otklik.services.context import ServiceContext
from otklik.workers.channel_jobs import BackgroundJob, discover_jobs
from otklik.workers.deadline_job import deadline_job
from otklik.workers.leader_lease import LeaderLease
from otklik.workers.rollup_job import rollup_fold_job
from otklik.workers.spike_job import spike_job

log = structlog.get_logger(__name__)
SendersFactory = Callable[[], Mapping[str, ChannelSender]]
OUTBOX_DRAIN_SECONDS = 5.0  # in-process: how soon an event left by a crash or a failed handler is retried


def outbox_job(ctx: ServiceContext) -> BackgroundJob:
    bus = ctx.bus
    if isinstance(bus, BrokerBus):
        return BackgroundJob("outbox-relay", OutboxRelay(ctx, bus.broker).run)
    if not isinstance(bus, InProcessBus):
        raise TypeError(f"no outbox job for {type(bus).__name__}")
    drained = bus

    def drain(stop: threading.Event) -> None:
        while not stop.wait(OUTBOX_DRAIN_SECONDS):
            try:
                drained.drain()
            except Exception:  # the database is away: the events wait for the next tick
                log.exception("outbox.drain_failed")

    return BackgroundJob("outbox-drain", drain)


def delivery_job(ctx: ServiceContext, senders: SendersFactory) -> BackgroundJob:
    # A new worker each term of the lease: a worker closes its senders when it stops.
    return BackgroundJob("delivery-worker", lambda stop: DeliveryWorker(ctx, senders()).run(stop))


def scheduled_jobs(ctx: ServiceContext, senders: SendersFactory) -> list[BackgroundJob]:
    return [
        outbox_job(ctx),
        delivery_job(ctx, senders),
        *discover_jobs(ctx),
        deadline_job(ctx),
        spike_job(ctx),
        rollup_fold_job(ctx),
    ]


def run_scheduler(ctx: ServiceContext, senders: SendersFactory, stop: threading.Event) -> threading.Thread:
    """Contend for the lease in a thread of this process; the jobs run here while it holds the lease."""
    lease = LeaderLease(ctx.uow.engine)
    thread = threading.Thread(
        target=lease.run_jobs, args=(scheduled_jobs(ctx, senders), stop), daemon=True, name="scheduler"
    )
    thread.start()
    return thread
