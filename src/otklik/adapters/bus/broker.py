"""The broker client: RabbitMQ through Dramatiq. One durable queue carries outbox event ids to the workers.

The outbox stays the source of truth: a message on the queue only names outbox rows (a batch of their ids); the
worker reads the rows, runs the topics' handlers and marks the rows done, so a lost or repeated broker message
costs nothing. Batches, because a broker message per event costs a publisher confirm, a delivery and an ack each,
and the understanding runs faster over many texts at once."""

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
# Event ids per broker message: enough for the understanding to batch well (its gain levels off in the tens),
# few enough that a backlog spreads over every worker's threads and a re-delivery after a crash redoes little.
EVENTS_PER_MESSAGE = 25


def build_broker(url: str) -> RabbitmqBroker:
    """Publisher confirms on: `enqueue` returns only once RabbitMQ has the message, so the relay marks a row
    published only after the broker holds it (queues are durable and messages persistent: a restart keeps them)."""
    broker = RabbitmqBroker(url=url, confirm_delivery=True)
    broker.declare_queue(EVENTS_QUEUE)
    return broker


def event_message(event_ids: list[int]) -> Message[None]:
    return Message(queue_name=EVENTS_QUEUE, actor_name=EVENT_ACTOR, args=(event_ids,), kwargs={}, options={})


class BrokerBus:
    """The bus when a broker is configured: nothing runs after a commit in the API process; the relay (under the
    leader lease) publishes committed events and `otklik worker` processes handle them."""

    synchronous = False

    def __init__(self, broker: RabbitmqBroker) -> None:
        self.broker = broker

    def after_commit(self) -> None:
        return None  # the relay polls the outbox; the request answers 202 at once
