"""/metrics: the process's own metrics (observability.py) and the operations gauges read from the database at
scrape time (services/operations.py), each app with a registry of its own so building an app twice (tests, the
workers of `otklik serve --workers N`) never registers a metric twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import structlog
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from otklik.services.operations import QueueReadings

log = structlog.get_logger(__name__)
# A scrape costs a few queries; several Prometheus servers (or a dashboard refreshing) within this time share them.
CACHE_SECONDS = 5.0


class _ProcessMetrics(Collector):
    """The default registry (request timings, counters, the process collector) inside an app's own registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class OperationsCollector(Collector):
    """Queue depth, outbox lag, handler failures, delivery backlog and dead letters, the broker's queues."""

    def __init__(
        self,
        read: Callable[[], QueueReadings],
        *,
        cache_seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, QueueReadings] | None = None

    def describe(self) -> list[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        readings = self._readings()
        up = GaugeMetricFamily("otklik_operations_readings_ok", "1 when the operations readings could be taken")
        up.add_metric([], 0.0 if readings is None else 1.0)
        yield up
        if readings is not None:
            yield from _families(readings)

    def _readings(self) -> QueueReadings | None:
        with self._lock:  # concurrent scrapes wait for one reading instead of each querying
            now = self._clock()
            if self._cached is not None and now - self._cached[0] < self._cache_seconds:
                return self._cached[1]
            try:
                readings = self._read()
            except Exception:  # the database is away: the scrape still answers, with the readings marked missing
                log.exception("metrics.readings_failed")
                return None
            self._cached = (now, readings)
            return readings


def _families(readings: QueueReadings) -> Iterator[Metric]:
    events = GaugeMetricFamily(
        "otklik_outbox_events",
        "Outbox events not finished, by state (pending, published) and topic",
        labels=["state", "topic"],
    )
    for count in readings.outbox:
        events.add_metric([count.state, count.topic], count.count)
    yield events
    lag = GaugeMetricFamily("otklik_outbox_lag_seconds", "Age of the oldest unfinished outbox event (0 when none)")
    lag.add_metric([], readings.outbox_lag_seconds)
    yield lag
    failures = GaugeMetricFamily(
        "otklik_outbox_handler_failures", "Failed handler runs recorded on outbox events, by topic", labels=["topic"]
    )
    parked = GaugeMetricFamily(
        "otklik_outbox_parked", "Outbox events parked after too many failures (otklik outbox replay)", labels=["topic"]
    )
    for failure in readings.outbox_failures:
        failures.add_metric([failure.topic], failure.failed_runs)
        parked.add_metric([failure.topic], failure.parked)
    yield failures
    yield parked
    deliveries = GaugeMetricFamily(
        "otklik_deliveries",
        "Deliveries back to channels: backlog (pending, sending) and dead letters (dead), by channel",
        labels=["channel", "status"],
    )
    for delivery in readings.deliveries:
        deliveries.add_metric([delivery.channel, delivery.status], delivery.count)
    yield deliveries
    if readings.broker_queues:
        queues = GaugeMetricFamily("otklik_broker_queue_messages", "Messages ready in a broker queue", labels=["queue"])
        for queue, depth in readings.broker_queues.items():
            queues.add_metric([queue], depth)
        yield queues


def metrics_registry(read: Callable[[], QueueReadings]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProcessMetrics())
    registry.register(OperationsCollector(read))
    return registry
