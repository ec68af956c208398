"""Handing a VK message to the system of record; a refused one is logged (without its text) and skipped."""

from __future__ import annotations

import dataclasses

import structlog

from otklik.domain.errors import InvalidInput
from otklik.domain.message import InboundMessage, MessageDecision
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message

log = structlog.get_logger(__name__)


def ingest(ctx: ServiceContext, message: InboundMessage) -> MessageDecision | None:
    """receive_message is idempotent by (channel, external id): a redelivered event is a `duplicate`."""
    try:
        return receive_message(ctx, message)
    except InvalidInput as error:
        if message.lat is not None:  # a point outside the region must not cost the citizen their message
            return ingest(ctx, dataclasses.replace(message, lat=None, lon=None))
        log.warning("vk.message_refused", external_id=message.external_id, reason=error.reason)
        return None
