"""Receiving a message: validate, store once, announce on the outbox, and report the decision."""

from __future__ import annotations

import math

from otklik.adapters.db.repositories.messages import DuplicateMessage
from otklik.domain.access import Action, Principal, PrincipalKind
from otklik.domain.errors import InvalidInput, NotFound
from otklik.domain.message import InboundMessage, MessageDecision, MessageOutcome, StoredMessage
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

MESSAGE_RECEIVED = "message.received"
QUEUED_REASON = "принято, обрабатывается"


def receive_message(ctx: ServiceContext, message: InboundMessage) -> MessageDecision:
    """Store the message once per (channel, external id); with the in-process bus, process it now.

    A new message costs one short transaction of two statements (the message, its outbox row). With a broker
    nothing can have decided it yet, so the answer is `queued` without reading it back (docs/ingestion.md)."""
    validate_message(ctx, message)
    now = ctx.clock.now()
    undecided_original: int | None = None
    with ctx.uow() as uow:
        try:
            message_id = uow.messages.add(message, now)
        except DuplicateMessage:
            existing = uow.messages.get_by_key(message.channel, message.external_id)
            if existing is None:  # the first writer rolled back after our insert failed: let the caller retry
                raise
            if existing.outcome is not None:
                return _duplicate_decision(uow_appeal_number(uow, existing), existing)
            undecided_original = existing.id  # being processed right now: wait for it outside this transaction
        else:
            uow.outbox.add(MESSAGE_RECEIVED, {"message_id": message_id}, at=now)
            uow.commit()
    if undecided_original is not None:
        return _duplicate_of_undecided(ctx, undecided_original)
    if not ctx.bus.synchronous:
        return MessageDecision(message_id, MessageOutcome.QUEUED, reason=QUEUED_REASON)
    ctx.bus.after_commit()
    return decision_for(ctx, message_id)


def store_batch(ctx: ServiceContext, batch: list[InboundMessage]) -> list[MessageDecision | None]:
    """Store validated messages and their outbox rows in one transaction, for a bus that decides later (a
    broker): `queued` for each new one, None for a re-delivery, which `receive_message` then answers."""
    assert not ctx.bus.synchronous, "in-process, every message is processed right after its own commit"
    now = ctx.clock.now()
    with ctx.uow() as uow:
        ids = uow.messages.add_many_announced(batch, now, MESSAGE_RECEIVED)
        uow.commit()
    return [None if i is None else MessageDecision(i, MessageOutcome.QUEUED, reason=QUEUED_REASON) for i in ids]


def _duplicate_of_undecided(ctx: ServiceContext, message_id: int) -> MessageDecision:
    """A re-delivery that arrives while the first copy is being processed: the processor holds the message's row
    lock (SQLite: the write lock) for the whole decision, so taking the lock waits until the appeal number exists.
    In-process, the first request may not have taken the lock yet: this one drains too (handlers are idempotent;
    it waits on the lock or finds the message decided). With a broker, a message no worker has picked up yet
    answers at once, its number still unknown."""
    if ctx.bus.synchronous:
        ctx.bus.after_commit()
    with ctx.uow() as uow:
        stored = uow.messages.get(message_id, lock=True)
        if stored is None:
            raise LookupError(message_id)
        return _duplicate_decision(uow_appeal_number(uow, stored), stored)


def message_status(ctx: ServiceContext, principal: Principal, message_id: int) -> MessageDecision:
    """What was decided about a message: its channel's gateway token may ask, and so may staff who read appeals.
    Anyone else, and a message that does not exist, get the same «not found»."""
    with ctx.uow(readonly=True) as uow:
        stored = uow.messages.get(message_id)
    if stored is None or not _may_read_message(principal, stored.message.channel.value):
        raise NotFound(f"сообщение {message_id} не найдено")
    return decision_for(ctx, message_id)


def _may_read_message(principal: Principal, channel: str) -> bool:
    if principal.kind is PrincipalKind.TOKEN:
        return principal.may_post(channel)
    return principal.kind is PrincipalKind.STAFF and principal.can(Action.READ)


def decision_for(ctx: ServiceContext, message_id: int) -> MessageDecision:
    with ctx.uow(readonly=True) as uow:
        stored = uow.messages.get(message_id)
        if stored is None:
            raise LookupError(message_id)
        if stored.outcome is None:
            return MessageDecision(message_id, MessageOutcome.QUEUED, reason=QUEUED_REASON)
        number = uow_appeal_number(uow, stored)
        return MessageDecision(message_id, stored.outcome, stored.appeal_id, number, stored.outcome_reason or "")


def uow_appeal_number(uow: UnitOfWork, stored: StoredMessage) -> str | None:
    if stored.appeal_id is None:
        return None
    appeal = uow.appeals.get(stored.appeal_id)
    return appeal.number if appeal else None


def _duplicate_decision(number: str | None, existing: StoredMessage) -> MessageDecision:
    return MessageDecision(
        existing.id,
        MessageOutcome.DUPLICATE,
        existing.appeal_id,
        number,
        reason="это сообщение уже получено ранее",
    )


def validate_message(ctx: ServiceContext, message: InboundMessage) -> None:
    """Every reason a message cannot be accepted, as a sentence a person can act on."""
    if not message.text or not message.text.strip():
        raise InvalidInput("text is empty: write what the problem is")
    limit = ctx.settings.max_text_length
    if len(message.text) > limit:
        raise InvalidInput(f"text is {len(message.text)} characters long; the limit is {limit}")
    if not message.external_id.strip():
        raise InvalidInput("external_id is empty: the channel's id of the message is required")
    if message.created_at.tzinfo is None:
        raise InvalidInput("created_at needs a time zone, e.g. 2026-11-28T10:00:00+03:00")
    _validate_point(ctx, message.lat, message.lon)
    hinted = message.context.get("municipality_id")
    if hinted is not None and ctx.reference.municipality(str(hinted)) is None:
        raise InvalidInput(f"unknown municipality {hinted!r} in context; see /api/v1/reference/municipalities")


def _validate_point(ctx: ServiceContext, lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput("give both lat and lon, or neither")
    if lat is None or lon is None:
        return
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(f"coordinates lat={lat}, lon={lon} are not a point on Earth")
    if not ctx.region_area.contains(lat, lon):
        raise InvalidInput(f"the point lat={lat}, lon={lon} is outside Kostroma Oblast; check the order of lat and lon")
