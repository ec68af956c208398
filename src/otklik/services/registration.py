"""Processing a stored message: run the pipeline, register and route the appeal, queue the acknowledgement.

Two ways in, one decision. `process_message` (the in-process bus) understands the message inside its write
transaction, holding the message's row lock throughout, so a re-delivery that arrives meanwhile waits and answers
with the number. `process_messages` (broker workers) understands a whole batch first, outside any transaction and
under no lock, then decides each message in one short transaction of its own that also marks its outbox event
done: a crash at any point leaves each message either decided with its event done, or undecided with its event
pending, never half of it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog

from otklik.adapters.db.repositories.messages import Outcome
from otklik.domain.appeal import Appeal
from otklik.domain.appeal_kind import Priority
from otklik.domain.channels import default_kind
from otklik.domain.citizen import Citizen
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.message import MessageOutcome, StoredMessage
from otklik.domain.status import AppealStatus
from otklik.pipeline.context import PipelineContext
from otklik.pipeline.runner import Pipeline, registration_stages, scheduling_stages, understand_batch
from otklik.services.context import ServiceContext
from otklik.services.detail_answers import answer_details, match_details_answer
from otklik.services.notifications import Notice, queue_notices
from otklik.services.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)
SYSTEM_ACTOR = "system"
APPEAL_REGISTERED = "appeal.registered"
# One batch of understanding at a time per process: the featurizer keeps one prepared batch (pipeline/runner.py),
# and the models are CPU-bound under the GIL anyway; other threads meanwhile write their decisions.
_UNDERSTANDING = threading.Lock()


@dataclass(frozen=True)
class Work:
    """One message for `process_messages`, and the outbox event to mark done with its decision."""

    message_id: int
    event_id: int


@dataclass(frozen=True)
class _Registration:
    """A message decided to be an appeal, waiting to be written with the rest of its batch."""

    stored: StoredMessage
    understood: PipelineContext
    citizen: Citizen | None


def process_message(ctx: ServiceContext, message_id: int) -> None:
    """Idempotent: a message processed before is left as it is (a broker may deliver the event twice)."""
    with ctx.uow() as uow:
        stored = uow.messages.get(message_id, lock=True)
        if stored is None:
            log.warning("message.missing", message_id=message_id)
            return
        if stored.processed:
            return
        now = ctx.clock.now()
        outcomes: list[Outcome] = []
        registration = _settle(ctx, uow, stored, now, lambda: _run_pipeline(ctx, stored, now), outcomes)
        _register_all(ctx, uow, [registration] if registration else [], now, outcomes)
        uow.commit()


def process_messages(ctx: ServiceContext, work: Sequence[Work]) -> dict[int, Exception]:
    """Decide a batch: understanding for all at once outside any transaction, then one transaction for the whole
    batch that decides every message and marks its event done — a multi-row statement per table rather than a
    transaction and ~17 statements per message. Should it fail, each message is decided again in a transaction of
    its own, so one bad message costs only itself. Idempotent per message (the row locks and `processed` are
    checked again in the deciding transaction). Returns the failures by event id; the others are decided and done."""
    with ctx.uow(readonly=True) as uow:
        found = uow.messages.get_many([item.message_id for item in work])
    undecided = [stored for stored in found.values() if not stored.processed]
    understood = _understand_batch(ctx, undecided)
    try:
        _decide_batch(ctx, work, understood)
        return {}
    except Exception:  # the batch's transaction rolled back: nothing of it is decided; one by one now
        log.warning("batch.decide_failed", events=len(work), exc_info=True)
    failures: dict[int, Exception] = {}
    for item in work:
        try:
            _decide_one(ctx, item)
        except Exception as error:  # this message's transaction rolled back; the rest of the batch goes on
            log.exception("message.decide_failed", message_id=item.message_id, event_id=item.event_id)
            failures[item.event_id] = error
    return failures


def _understand_batch(ctx: ServiceContext, messages: list[StoredMessage]) -> dict[int, PipelineContext]:
    contexts = {stored.id: _pipeline_context(stored, None) for stored in messages}
    with _UNDERSTANDING:
        understand_batch(ctx.understanding, list(contexts.values()))
    return contexts


def _decide_batch(ctx: ServiceContext, work: Sequence[Work], understood: dict[int, PipelineContext]) -> None:
    with ctx.uow() as uow:
        locked = uow.messages.get_many([item.message_id for item in work], lock=True)
        now = ctx.clock.now()
        uow.outbox.claim_many([item.event_id for item in work], at=now)
        registrations: list[_Registration] = []
        outcomes: list[Outcome] = []
        seen: set[int] = set()
        for item in work:
            stored = locked.get(item.message_id)
            if stored is None:
                log.warning("message.missing", message_id=item.message_id)
            elif not stored.processed and stored.id not in seen:  # a message twice in a batch: decided once
                seen.add(stored.id)
                ready = understood.get(stored.id)
                decided = _settle(ctx, uow, stored, now, _finisher(ctx, stored, ready, now), outcomes)
                if decided is not None:
                    registrations.append(decided)
        _register_all(ctx, uow, registrations, now, outcomes)
        uow.commit()


def _decide_one(ctx: ServiceContext, item: Work) -> None:
    """A message of a batch that failed as a whole, in a transaction of its own with its event, understood again
    from the start (the batch's understanding may have been half finished when it failed)."""
    with ctx.uow() as uow:
        stored = uow.messages.get(item.message_id, lock=True)
        uow.outbox.claim(item.event_id, at=ctx.clock.now())
        if stored is None:
            log.warning("message.missing", message_id=item.message_id)
        elif not stored.processed:
            now = ctx.clock.now()
            outcomes: list[Outcome] = []
            registration = _settle(ctx, uow, stored, now, lambda: _run_pipeline(ctx, stored, now), outcomes)
            _register_all(ctx, uow, [registration] if registration else [], now, outcomes)
        uow.commit()


def _finisher(
    ctx: ServiceContext, stored: StoredMessage, understood: PipelineContext | None, now: datetime
) -> Callable[[], PipelineContext]:
    return lambda: _finish(ctx, stored, understood, now)


def _finish(
    ctx: ServiceContext, stored: StoredMessage, understood: PipelineContext | None, now: datetime
) -> PipelineContext:
    """The batch's understanding, finished at decision time (deadlines count from the registration). A message
    the batch did not understand (it looked decided or missing when the batch was read) runs whole here."""
    if understood is None:
        return _run_pipeline(ctx, stored, now)
    understood.registered_at = now
    return Pipeline(scheduling_stages(ctx.policies, ctx.calendar)).run(understood)


def _settle(
    ctx: ServiceContext,
    uow: UnitOfWork,
    stored: StoredMessage,
    now: datetime,
    understand: Callable[[], PipelineContext],
    outcomes: list[Outcome],
) -> _Registration | None:
    """The message's outcome in the caller's transaction: the answer to a request for details (recorded at once),
    not an appeal (its outcome added to `outcomes`), or an appeal to register (returned, with its citizen)."""
    if _answers_details(ctx, uow, stored, now):
        return None
    pipeline_ctx = understand()
    if not pipeline_ctx.is_appeal:
        reason = "; ".join(pipeline_ctx.explanation) or "не обращение"
        outcomes.append(Outcome(stored.id, MessageOutcome.NOT_AN_APPEAL, reason, None))
        log.info("message.not_an_appeal", message_id=stored.id, channel=stored.message.channel.value)
        return None
    # Found or added here, one message at a time: a person writing twice in one batch is one citizen.
    return _Registration(stored, pipeline_ctx, _citizen(uow, stored))


def _register_all(
    ctx: ServiceContext, uow: UnitOfWork, batch: list[_Registration], now: datetime, outcomes: list[Outcome]
) -> None:
    """Register the batch's appeals, then record the outcomes of all its messages and the `appeal.registered`
    events: one statement per kind of row for the whole batch (the caller commits)."""
    written = _write_appeals(ctx, uow, batch, now)
    for appeal, registration in zip(written, batch, strict=True):
        outcomes.append(Outcome(registration.stored.id, MessageOutcome.REGISTERED, "зарегистрировано", appeal.id))
        log.info(
            "appeal.registered",
            appeal_id=appeal.id,
            number=appeal.number,
            status=appeal.status,
            channel=appeal.channel,
            agency_id=appeal.agency_id,
        )
    uow.messages.record_outcomes(outcomes, at=now)
    uow.outbox.add_many(APPEAL_REGISTERED, [{"appeal_id": appeal.id} for appeal in written], at=now)


def _register(ctx: ServiceContext, uow: UnitOfWork, stored: StoredMessage, p: PipelineContext, now: datetime) -> Appeal:
    """One appeal with its number, events and acknowledgement (moderation's «make it an appeal» records the
    message's outcome itself)."""
    (appeal,) = _write_appeals(ctx, uow, [_Registration(stored, p, _citizen(uow, stored))], now)
    return appeal


def _write_appeals(ctx: ServiceContext, uow: UnitOfWork, batch: list[_Registration], now: datetime) -> list[Appeal]:
    """Numbers (increasing in the batch's order), the appeals in one insert, their events, first moves and
    acknowledgements."""
    if not batch:
        return []
    numbers = uow.appeals.next_numbers(ctx.settings.region_code, now.year, len(batch))
    written = [_appeal(r, str(number), now) for r, number in zip(batch, numbers, strict=True)]
    uow.appeals.add_many(written)
    notices: list[Notice] = []
    for appeal, registration in zip(written, batch, strict=True):
        assert appeal.id is not None
        stored, p = registration.stored, registration.understood
        _events(uow, appeal, stored, p, now)
        notices += [
            Notice(appeal, stored, "ack", text.format(number=appeal.number), f"appeal:{appeal.id}:ack")
            for text in p.notifications
        ]
    queue_notices(uow, notices, at=now)
    return written


def _answers_details(ctx: ServiceContext, uow: UnitOfWork, stored: StoredMessage, now: datetime) -> bool:
    """The citizen's answer to a request for details is not a new appeal: it restarts that appeal's clock."""
    appeal = match_details_answer(uow, stored.message)
    if appeal is None:
        return False
    answer = answer_details(ctx, uow, appeal, stored.message)
    reason = f"ответ на запрос уточнений по обращению № {appeal.number}"
    if not answer.resumed:
        reason += " (уточнения уже получены)"
    uow.messages.record_outcome(stored.id, MessageOutcome.DETAILS, at=now, reason=reason, appeal_id=appeal.id)
    log.info("appeal.details_received", appeal_id=appeal.id, message_id=stored.id, resumed=answer.resumed)
    return True


def _run_pipeline(ctx: ServiceContext, stored: StoredMessage, now: datetime) -> PipelineContext:
    stages = registration_stages(ctx.understanding, ctx.policies, ctx.calendar)
    return Pipeline(stages).run(_pipeline_context(stored, now))


def _pipeline_context(stored: StoredMessage, now: datetime | None) -> PipelineContext:
    message = stored.message
    return PipelineContext(
        raw_text=message.text,
        channel=message.channel.value,
        lat=message.lat,
        lon=message.lon,
        address=message.address,
        hint_municipality_id=message.context.get("municipality_id"),
        kind=default_kind(message.channel, identified_citizen=message.author.is_identified and message.formal),
        registered_at=now,
    )


def _appeal(registration: _Registration, number: str, now: datetime) -> Appeal:
    stored, p, citizen = registration.stored, registration.understood, registration.citizen
    message = stored.message
    location, category, routing, detection = p.location, p.category, p.routing, p.detection
    return Appeal(
        number=number,
        kind=(p.kind or default_kind(message.channel, identified_citizen=False)).value,
        status=AppealStatus.NEW.value,
        channel=message.channel.value,
        message_id=stored.id,
        text=p.text,
        text_masked=p.normalized.masked if p.normalized else p.text,
        created_at=now,
        citizen_id=citizen.id if citizen else None,
        group=category.group if category else None,
        topic=category.topic if category else None,
        category_confidence=category.confidence if category else None,
        municipality_id=location.municipality_id if location else None,
        settlement_id=location.settlement_id if location else None,
        address=message.address or _street_address(p),
        lat=message.lat if message.lat is not None else (location.lat if location else None),
        lon=message.lon if message.lon is not None else (location.lon if location else None),
        routing_confidence=routing.confidence if routing else None,
        priority=(p.priority.priority if p.priority else Priority.NORMAL).value,
        toxic=detection.toxic if detection else False,
        appeal_score=detection.appeal_score if detection else None,
        explanation=list(p.explanation),
        first_response_due_at=p.deadlines.first_response_due_at if p.deadlines else None,
        due_at=p.deadlines.due_at if p.deadlines else None,
    )


def _events(uow: UnitOfWork, appeal: Appeal, stored: StoredMessage, p: PipelineContext, now: datetime) -> None:
    assert appeal.id is not None
    uow.appeals.add_event(
        AppealEvent(
            appeal.id,
            EventType.REGISTERED.value,
            now,
            SYSTEM_ACTOR,
            None,
            AppealStatus.NEW.value,
            reason=f"канал {stored.message.channel.value}",
            data={"message_id": stored.id},
        )
    )
    uow.appeals.add_event(
        AppealEvent(appeal.id, EventType.ANALYSED.value, now, SYSTEM_ACTOR, data={"explanation": p.explanation})
    )
    _first_move(uow, appeal, p, now)


def _first_move(uow: UnitOfWork, appeal: Appeal, p: PipelineContext, now: datetime) -> None:
    """Confident route → assigned to the body; otherwise → the moderators' queue."""
    if p.routing is not None and not p.needs_moderation:
        event = appeal.transition(
            AppealStatus.ASSIGNED,
            actor=SYSTEM_ACTOR,
            at=now,
            agency_id=p.routing.agency_id,
            reason="автоматическая маршрутизация",
        )
        appeal.routed_by_machine = True  # the dashboard's «routed without a person» (domain/analytics.py)
    else:
        if p.routing is not None:
            appeal.agency_id = p.routing.agency_id  # a proposal for the moderator, not an assignment
        event = appeal.transition(
            AppealStatus.NEEDS_MODERATION, actor=SYSTEM_ACTOR, at=now, reason="требуется проверка модератором"
        )
    uow.appeals.add_event(event)


def _street_address(p: PipelineContext) -> str | None:
    location = p.location
    if location is None or not location.street:
        return None
    parts = [location.settlement, location.street, location.house]
    return ", ".join(part for part in parts if part)


def _citizen(uow: UnitOfWork, stored: StoredMessage) -> Citizen | None:
    author = stored.message.author
    if not (author.name or author.phone or author.email or author.external_id):
        return None
    return uow.appeals.find_or_add_citizen(
        Citizen(
            name=author.name,
            phone=author.phone,
            email=author.email,
            channel=stored.message.channel.value,
            channel_user_id=author.external_id,
        )
    )
