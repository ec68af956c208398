"""The broker client: RabbitMQ through Dramatiq. One durable queue carries outbox event ids to the workers.

The outbox stays the source of truth: a message on the queue only names an outbox row (its id); the worker reads
the row, runs the topic's handler and marks the row done, so a lost or repeated broker message costs nothing."""

from __future__ import annotations

from dramatiq import Message
from dramatiq.brokers.rabbitmq import RabbitmqBroker

EVENTS_QUEUE = "otklik.events"
EVENT_ACTOR = "otklik_outbox_event"
# A failing handler runs this many times in all (with Dramatiq's exponential backoff between), then its outbox
# row is parked and the broker message goes to the dead-letter queue; `otklik outbox replay` gives it a new chance.
RUNS_BEFORE_PARKING = 5
MIN_BACKOFF_MS = 500
MAX_BACKOFF_MS = 30_000


def build_broker(url: str) -> RabbitmqBroker:
    """Publisher confirms on: `enqueue` returns only once RabbitMQ has the message, so the relay marks a row
    published only after the broker holds it (queues are durable and messages persistent: a restart keeps them)."""
    broker = RabbitmqBroker(url=url, confirm_delivery=True)
    broker.declare_queue(EVENTS_QUEUE)
    return broker


def event_message(event_id: int) -> Message[None]:
    return Message(queue_name=EVENTS_QUEUE, actor_name=EVENT_ACTOR, args=(event_id,), kwargs={}, options={})


class BrokerBus:
    """The bus when a broker is configured: nothing runs after a commit in the API process; the relay (under the
    leader lease) publishes committed events and `otklik worker` processes handle them."""

    synchronous = False

    def __init__(self, broker: RabbitmqBroker) -> None:
        self.broker = broker

    def after_commit(self) -> None:
        return None  # the relay polls the outbox; the request answers 202 at once
