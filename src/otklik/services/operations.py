"""What operators watch: whether this process may take traffic (/readyz), and how the queues stand (/metrics).

The queue readings come from the database at scrape time, so every process — each API replica, each worker —
reports the same truth, and no consumer code has to count anything."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import structlog

from otklik.adapters.db.repositories.deliveries import DeliveryCount
from otklik.adapters.db.repositories.outbox import OutboxCount, OutboxFailures
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWorkFactory

log = structlog.get_logger(__name__)
OK = "ok"
NOT_CONFIGURED = "not configured"
# A short real text: the models must answer it, not merely exist.
_MODEL_PROBE_TEXT = "Во дворе дома на улице Советской не вывозят мусор"


class BrokerProbe(Protocol):
    """The broker, as operations sees it (adapters/broker_probe.py). Each call raises when it does not answer."""

    def ping(self) -> None: ...

    def queue_depths(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # check → "ok", "not configured", or why it failed

    @property
    def not_ready(self) -> list[str]:
        return [name for name, state in self.checks.items() if state not in (OK, NOT_CONFIGURED)]

    @property
    def ready(self) -> bool:
        return not self.not_ready


def readiness(ctx: ServiceContext, broker: BrokerProbe | None) -> Readiness:
    """The database answers, the broker answers (when one is configured), the understanding models answer."""
    return Readiness(
        {
            "database": _check("database", ctx.uow.ping),
            "broker": NOT_CONFIGURED if broker is None else _check("broker", broker.ping),
            "models": _check("models", lambda: _probe_models(ctx)),
        }
    )


def _probe_models(ctx: ServiceContext) -> None:
    ctx.understanding.detector.detect(_MODEL_PROBE_TEXT, channel=None)


def _check(name: str, probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception as error:  # any failure means «not ready»; the reason is logged, the body stays terse
        log.warning("readiness.failed", check=name, error=repr(error))
        return f"failed: {type(error).__name__}"
    return OK


@dataclass(frozen=True)
class QueueReadings:
    outbox: list[OutboxCount]  # pending and published, per topic
    outbox_failures: list[OutboxFailures]
    outbox_lag_seconds: float  # 0 when nothing is unfinished
    deliveries: list[DeliveryCount]
    broker_queues: Mapping[str, int] = field(default_factory=dict)  # empty without a broker, or when it is away


def database_readings(uow: UnitOfWorkFactory, now: datetime) -> QueueReadings:
    """A few indexed queries in one read-only transaction: what one uncached scrape costs."""
    with uow(readonly=True) as work:
        lag = work.outbox.oldest_unfinished_age(now)
        return QueueReadings(
            outbox=work.outbox.unfinished_counts(),
            outbox_failures=work.outbox.failures(),
            outbox_lag_seconds=0.0 if lag is None else max(lag.total_seconds(), 0.0),
            deliveries=work.deliveries.backlog_counts(),
        )


def queue_readings(ctx: ServiceContext, broker: BrokerProbe | None) -> QueueReadings:
    """The database's readings and, when there is a broker, its queue depths."""
    readings = database_readings(ctx.uow, ctx.clock.now())
    if broker is None:
        return readings
    try:
        depths = broker.queue_depths()
    except Exception as error:  # the database's readings still count; the broker's absence shows as no series
        log.warning("metrics.broker_unreadable", error=repr(error))
        return readings
    return QueueReadings(
        readings.outbox, readings.outbox_failures, readings.outbox_lag_seconds, readings.deliveries, depths
    )
