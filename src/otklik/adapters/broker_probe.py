"""RabbitMQ as operations sees it: does it answer, and how many messages wait in Otklik's queues.

A connection of its own per call, with short timeouts (a readiness probe must answer in seconds even when the
broker hangs), and passive declares only: the probe reads a queue's depth and never creates one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pika
from dramatiq.common import dq_name, xq_name
from pika.adapters.blocking_connection import BlockingConnection
from pika.exceptions import ChannelClosedByBroker

from otklik.adapters.bus.broker import EVENTS_QUEUE

TIMEOUT_SECONDS = 2.0
# The events, their delayed retries, and the dead letters (Dramatiq's names for the last two).
QUEUES = (EVENTS_QUEUE, dq_name(EVENTS_QUEUE), xq_name(EVENTS_QUEUE))


class AmqpProbe:
    def __init__(self, url: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        parameters = pika.URLParameters(url)
        parameters.socket_timeout = timeout
        parameters.stack_timeout = timeout * 2
        parameters.blocked_connection_timeout = timeout
        parameters.connection_attempts = 1
        parameters.retry_delay = 0
        self._parameters = parameters

    def ping(self) -> None:
        with self._connection() as connection:
            connection.channel().close()

    def queue_depths(self) -> Mapping[str, int]:
        """Messages ready in each queue that exists (a queue no process has declared yet is left out)."""
        depths: dict[str, int] = {}
        with self._connection() as connection:
            for queue in QUEUES:
                channel = connection.channel()
                try:
                    declared = channel.queue_declare(queue=queue, passive=True)
                except ChannelClosedByBroker:  # 404: not declared yet; the broker closed this channel
                    continue
                depths[queue] = int(declared.method.message_count)
                channel.close()
        return depths

    @contextmanager
    def _connection(self) -> Iterator[BlockingConnection]:
        connection = pika.BlockingConnection(self._parameters)
        try:
            yield connection
        finally:
            if connection.is_open:
                connection.close()
