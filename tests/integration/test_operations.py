"""Operations: /readyz names what is not ready (database, broker, models), /metrics reports the queues as the
database holds them. Real PostgreSQL or SQLite, real RabbitMQ on loopback (a virtual host of the test's own)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from broker_support import virtual_host
from channels.loopback import free_port
from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.services.context import ServiceContext
from otklik.services.operations import QueueReadings, queue_readings
from otklik.web.app import create_app
from otklik.web.metrics import OperationsCollector

pytestmark = pytest.mark.db
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def vhost() -> Iterator[str]:
    """A RabbitMQ virtual host of this test only (the broker held against a restart by another test process);
    RabbitMQ not running is a failure here, never a skip."""
    with virtual_host() as url:
        yield url


def _with_broker(ctx: ServiceContext, url: str) -> ServiceContext:
    changed = copy.copy(ctx)
    changed.settings = ctx.settings.model_copy(update={"broker_url": url})
    return changed


def _get(ctx: ServiceContext, path: str) -> tuple[int, str]:
    with TestClient(create_app(ctx), raise_server_exceptions=False) as client:
        response = client.get(path)
        return response.status_code, response.text


def _readyz(ctx: ServiceContext) -> tuple[int, dict[str, object]]:
    with TestClient(create_app(ctx), raise_server_exceptions=False) as client:
        response = client.get("/readyz")
        return response.status_code, response.json()


def _scrape(ctx: ServiceContext) -> Samples:
    status, body = _get(ctx, "/metrics/")  # a fresh app: a fresh cache
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- /readyz -------------------------------------------------------------------------------------------------
def test_ready_without_a_broker(ctx: ServiceContext) -> None:
    status, body = _readyz(ctx)
    assert status == 200
    assert body == {
        "status": "ready",
        "not_ready": [],
        "checks": {"database": "ok", "broker": "not configured", "models": "ok"},
    }
    assert _get(ctx, "/healthz")[0] == 200


def test_ready_with_the_real_broker(ctx: ServiceContext, vhost: str) -> None:
    status, body = _readyz(_with_broker(ctx, vhost))
    assert status == 200, body
    assert body["checks"] == {"database": "ok", "broker": "ok", "models": "ok"}


def test_a_broker_that_does_not_answer_is_named(ctx: ServiceContext) -> None:
    closed = f"amqp://guest:guest@127.0.0.1:{free_port()}/"
    status, body = _readyz(_with_broker(ctx, closed))
    assert status == 503
    assert body["status"] == "not ready" and body["not_ready"] == ["broker"]
    assert str(body["checks"]["broker"]).startswith("failed")  # type: ignore[index]
    assert "guest" not in str(body)  # the broker's credentials never leave in a probe's answer
    assert _get(_with_broker(ctx, closed), "/healthz")[0] == 200  # alive all the same


def _database_away(ctx: ServiceContext) -> ServiceContext:
    """The same process with its database gone: PostgreSQL's address with nothing listening."""
    away = copy.copy(ctx)
    away.uow = UnitOfWorkFactory(build_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/otklik"))
    return away


def test_a_database_that_does_not_answer_is_named(ctx: ServiceContext) -> None:
    status, body = _readyz(_database_away(ctx))
    assert status == 503 and body["not_ready"] == ["database"], body


# --- /metrics ------------------------------------------------------------------------------------------------
def test_metrics_count_the_outbox_and_deliveries_as_created(ctx: ServiceContext) -> None:
    appeal_id = _an_appeal(ctx)  # first: the in-process bus drains the whole outbox after each message
    before = _scrape(ctx)
    now = ctx.clock.now()
    topic = f"test.{uuid.uuid4().hex[:6]}"
    with ctx.uow() as uow:
        pending = [uow.outbox.add(topic, {"n": n}, at=now - timedelta(seconds=90)) for n in range(3)]
        published = uow.outbox.add(topic, {"n": 3}, at=now)
        uow.outbox.mark_published([published], at=now)
        failing = uow.outbox.add(topic, {"n": 4}, at=now)
        for _ in range(2):
            uow.outbox.record_failure(failing, error="boom", park_after=2, at=now)  # the second run parks it
        recovered = uow.outbox.add(topic, {"n": 5}, at=now)
        uow.outbox.record_failure(recovered, error="once", park_after=5, at=now)
        uow.outbox.claim(recovered, at=now)  # done after one failure
        uow.commit()
    with ctx.uow() as uow:
        for n in range(4):
            uow.deliveries.enqueue(
                appeal_id=appeal_id, channel="telegram_bot", kind="status", recipient={"chat_id": n},
                text="…", idempotency_key=f"ops-{uuid.uuid4().hex}", at=now,
            )  # fmt: skip
        uow.commit()
    with ctx.uow() as uow:
        dead = uow.deliveries.due(now + timedelta(seconds=1), 100)
        uow.deliveries.mark_dead(next(d.id for d in dead if d.channel == "telegram_bot"), error="blocked")
        uow.commit()

    after = _scrape(ctx)
    assert _value(after, "otklik_outbox_events", state="pending", topic=topic) == len(pending)
    assert _value(after, "otklik_outbox_events", state="published", topic=topic) == 1
    assert _value(after, "otklik_outbox_handler_failures", topic=topic) == 3  # 2 runs of one event, 1 of another
    assert _value(after, "otklik_outbox_parked", topic=topic) == 1
    assert _value(after, "otklik_outbox_lag_seconds") >= 90  # the three pending events were written 90 s ago
    for status, added in (("pending", 3), ("dead", 1)):
        grew = _value(after, "otklik_deliveries", channel="telegram_bot", status=status) - _value(
            before, "otklik_deliveries", channel="telegram_bot", status=status
        )
        assert grew == added, status
    assert _value(after, "otklik_operations_readings_ok") == 1
    assert any(name.startswith("otklik_request_seconds") for name, _ in after)  # the process's own metrics too


def _an_appeal(ctx: ServiceContext) -> int:
    from datetime import UTC, datetime

    from otklik.domain.channels import Channel
    from otklik.domain.message import Author, InboundMessage
    from otklik.services.messages import receive_message

    message = InboundMessage(
        Channel.VK,
        f"ops-{uuid.uuid4().hex[:8]}",
        "Прорыв трубы на улице Ленина в Буе, вода заливает двор",
        datetime(2026, 11, 27, 10, tzinfo=UTC),
        Author(name="Анна", external_id="77"),
        context={"owner_id": -1, "post_id": 5, "comment_id": 9},
    )
    decision = receive_message(ctx, message)
    assert decision.appeal_id is not None
    return decision.appeal_id


def test_metrics_read_the_broker_queues(ctx: ServiceContext, vhost: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(vhost))
    channel = connection.channel()
    channel.queue_declare("otklik.events", durable=True)
    for n in range(7):
        channel.basic_publish("", "otklik.events", f"{n}".encode())
    connection.close()
    samples = _scrape(_with_broker(ctx, vhost))
    assert _value(samples, "otklik_broker_queue_messages", queue="otklik.events") == 7
    assert ("otklik_broker_queue_messages", (("queue", "otklik.events.XQ"),)) not in samples  # never declared


def test_a_scrape_without_the_database_still_answers(ctx: ServiceContext) -> None:
    samples = _scrape(_database_away(ctx))
    assert _value(samples, "otklik_operations_readings_ok") == 0


def test_readings_are_cached_briefly(ctx: ServiceContext) -> None:
    calls: list[QueueReadings] = []
    now = [100.0]

    def read() -> QueueReadings:
        calls.append(queue_readings(ctx, None))
        return calls[-1]

    collector = OperationsCollector(read, cache_seconds=5.0, clock=lambda: now[0])
    list(collector.collect())
    now[0] += 4.9
    list(collector.collect())
    assert len(calls) == 1  # within the cache time a scrape costs no query
    now[0] += 0.2
    list(collector.collect())
    assert len(calls) == 2
