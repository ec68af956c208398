"""The moderators' work: the queue, accepting the machine's suggestion, bulk actions, and messages judged
«not an appeal» that a person may still turn into one. Access: `domain/access.py`; rules: docs/moderation.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from otklik.adapters.db.repositories.moderation import ModerationQueries, NotAppealRow
from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.appeal import Appeal
from otklik.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.message import MessageOutcome, StoredMessage
from otklik.domain.status import AppealStatus, RejectReason
from otklik.pipeline.context import PipelineContext
from otklik.pipeline.runner import Pipeline, registration_stages
from otklik.pipeline.stages.detect import DetectStage
from otklik.services import appeals as appeal_service
from otklik.services.appeals import TransitionRequest
from otklik.services.context import ServiceContext
from otklik.services.registration import APPEAL_REGISTERED, _register, _run_pipeline
from otklik.services.unit_of_work import UnitOfWork

# Reopened appeals go back to their body, not to moderators; new ones are in the queue only until the pipeline
# moved them (a message that failed half-way).
QUEUE_STATUSES = [AppealStatus.NEW, AppealStatus.NEEDS_MODERATION]
MAX_BULK = 200
NOT_APPEAL_DAYS = 7  # how far back «not an appeal» messages stay in the review list
NOT_APPEAL_WINDOW = 300  # the newest ones read and scored per request: the scoring runs the models
ACCEPT_REASON = "подтверждено модератором"
NOT_FOUND_REASON = "не найдено"


@dataclass(frozen=True)
class Suggestion:
    """What the engine proposed: the category, the place and the competent body, with its confidences."""

    group: str | None
    topic: str | None
    category_confidence: float | None
    municipality_id: str | None
    agency_id: str | None
    routing_confidence: float | None


@dataclass(frozen=True)
class RedirectRequest:
    """A body said «not ours» and proposed another one; the moderator decides."""

    by: str
    at: datetime
    from_agency_id: str | None
    to_agency_id: str | None
    justification: str | None


@dataclass(frozen=True)
class QueueItem:
    appeal: Appeal
    suggestion: Suggestion
    explanation: list[str]
    redirect: RedirectRequest | None = None


def moderation_queue(ctx: ServiceContext, principal: Principal, *, limit: int = 100) -> list[QueueItem]:
    """Appeals waiting for a moderator in the principal's scope: nearest deadline first, then high priority,
    then the oldest. Redirect requests of bodies are in the same queue, with the body's justification."""
    authorize(principal, Action.MODERATE)
    with ctx.uow(readonly=True) as uow:
        queries = ModerationQueries(uow.session)
        found = queries.queue(scope_of(principal), QUEUE_STATUSES, max(1, min(limit, 500)))
        moves = queries.moves_to_moderation([a.id for a in found if a.id is not None])
    return [_queue_item(appeal, moves.get(appeal.id) if appeal.id is not None else None) for appeal in found]


def _queue_item(appeal: Appeal, move: AppealEvent | None) -> QueueItem:
    suggestion = Suggestion(
        appeal.group,
        appeal.topic,
        appeal.category_confidence,
        appeal.municipality_id,
        appeal.agency_id,
        appeal.routing_confidence,
    )
    redirect = None
    if move is not None and move.data.get("redirect_requested"):
        redirect = RedirectRequest(
            move.actor, move.at, move.data.get("from_agency_id"), move.data.get("to_agency_id"), move.reason
        )
    return QueueItem(appeal, suggestion, list(appeal.explanation), redirect)


def accept(ctx: ServiceContext, principal: Principal, appeal_id: int) -> Appeal:
    """The moderator agrees with the machine: the appeal is assigned to the proposed body."""
    with ctx.uow(readonly=True) as uow:
        appeal = appeal_service._get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.MODERATE)
    if appeal.agency_id is None:
        raise InvalidInput(f"у обращения {appeal.number} нет предложенного органа: назначьте орган вручную")
    request = TransitionRequest(AppealStatus.ASSIGNED, agency_id=appeal.agency_id, reason=ACCEPT_REASON)
    return appeal_service.change_status(ctx, principal, appeal_id, request)


BulkAction = Literal["accept", "reject", "assign"]


@dataclass(frozen=True)
class BulkResult:
    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def bulk(
    ctx: ServiceContext,
    principal: Principal,
    appeal_ids: list[int],
    action: BulkAction,
    *,
    reject_reason: RejectReason | None = None,
    agency_id: str | None = None,
    reason: str | None = None,
) -> BulkResult:
    """One action on many appeals, each in its own transaction through the same use case as one by one: a bad
    item fails alone. An id outside the scope fails as «не найдено», exactly like one that does not exist."""
    ids = list(dict.fromkeys(appeal_ids))
    if not ids:
        raise InvalidInput("укажите обращения (appeal_ids)")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"не больше {MAX_BULK} обращений за раз, передано {len(ids)}")
    one = _bulk_step(ctx, principal, action, reject_reason=reject_reason, agency_id=agency_id, reason=reason)
    result = BulkResult()
    for appeal_id in ids:
        try:
            one(appeal_id)
        except NotFound:
            result.failed[appeal_id] = NOT_FOUND_REASON
        except DomainError as error:
            result.failed[appeal_id] = error.reason
        else:
            result.done.append(appeal_id)
    return result


def _bulk_step(
    ctx: ServiceContext,
    principal: Principal,
    action: BulkAction,
    *,
    reject_reason: RejectReason | None,
    agency_id: str | None,
    reason: str | None,
) -> Callable[[int], object]:
    """The per-appeal call, after the checks that concern the whole request (403 and 422 once, not per item)."""
    if action == "accept":
        authorize(principal, Action.MODERATE)
        authorize(principal, Action.ROUTE)
        return lambda appeal_id: accept(ctx, principal, appeal_id)
    if action == "reject":
        authorize(principal, Action.REJECT)
        if reject_reason is None:
            raise InvalidInput("для отклонения нужна причина: spam или not_an_appeal")
        if reject_reason is RejectReason.DUPLICATE:
            raise InvalidInput("дубликаты отклоняются по одному: у каждого свой оригинал (duplicate_of)")
        request = TransitionRequest(AppealStatus.REJECTED, reason=reason, reject_reason=reject_reason)
    elif action == "assign":
        authorize(principal, Action.ROUTE)
        if not agency_id:
            raise InvalidInput("для назначения нужен орган (agency_id)")
        request = TransitionRequest(AppealStatus.ASSIGNED, reason=reason, agency_id=agency_id)
    else:
        raise InvalidInput(f"неизвестное действие {action!r}: accept, reject или assign")
    return lambda appeal_id: appeal_service.change_status(ctx, principal, appeal_id, request)


# --- messages judged «not an appeal» -------------------------------------------------------------------------
@dataclass(frozen=True)
class NotAppealItem:
    message_id: int
    channel: str
    received_at: datetime
    text_masked: str
    appeal_score: float  # the current detector's P(appeal); the threshold is `threshold`
    threshold: float | None
    municipality_id: str | None
    reason: str | None  # the stored explanation of the decision


def not_appeals(ctx: ServiceContext, principal: Principal, *, limit: int = 50) -> list[NotAppealItem]:
    """The last `NOT_APPEAL_DAYS` days of messages judged «not an appeal», those nearest the threshold first.

    The message row keeps the decision and its explanation only, so the score and the place are computed again
    with the current models. A district moderator sees the messages located in their municipality; unlocated
    ones only the moderators of the whole region."""
    authorize(principal, Action.PROMOTE)
    since = ctx.clock.now() - timedelta(days=NOT_APPEAL_DAYS)
    with ctx.uow(readonly=True) as uow:
        rows = ModerationQueries(uow.session).not_appeals(since, NOT_APPEAL_WINDOW)
    scope = scope_of(principal)
    items = [_not_appeal_item(ctx, row) for row in rows]
    visible = [item for item in items if scope.admits(item.municipality_id, None)]
    visible.sort(key=lambda item: (-item.appeal_score, -item.received_at.timestamp(), -item.message_id))
    return visible[: max(1, min(limit, 200))]


def _not_appeal_item(ctx: ServiceContext, row: NotAppealRow) -> NotAppealItem:
    understanding = ctx.understanding
    normalized = understanding.normalizer.normalize(row.text)
    detection = understanding.detector.detect(normalized.text, channel=row.channel)
    location = understanding.locator.locate(
        normalized.text,
        lat=row.lat,
        lon=row.lon,
        address=row.address,
        hint_municipality_id=row.context.get("municipality_id"),
    )
    return NotAppealItem(
        row.id,
        row.channel,
        row.received_at,
        normalized.masked,
        detection.appeal_score,
        getattr(understanding.detector, "threshold", None),
        location.municipality_id,
        row.reason,
    )


def promote(ctx: ServiceContext, principal: Principal, message_id: int, *, reason: str | None) -> Appeal:
    """Register the message as an appeal now, as any appeal is registered (number, deadlines, proposed body,
    the citizen's acknowledgement), but into the moderators' queue; a `promoted` event names the moderator and is
    a positive example for the detector. A message promoted before: 409. A message that is not an appeal has no
    body, so it is in no agency's scope: roles without the right get 403 for any id (no hint either way); a
    moderator outside the message's district gets 404."""
    authorize(principal, Action.PROMOTE)
    scope = scope_of(principal)
    with ctx.uow() as uow:
        stored = uow.messages.get(message_id, lock=True)
        if stored is None or stored.outcome is None:
            raise NotFound(f"message {message_id} does not exist")
        if stored.appeal_id is not None:
            _check_promoted(uow, stored, principal)
        if stored.outcome is not MessageOutcome.NOT_AN_APPEAL:
            raise Conflict(f"сообщение {message_id} не было отклонено как «не обращение»")
        now = ctx.clock.now()
        analysis = _analyse_as_appeal(ctx, stored, now)
        located = analysis.location.municipality_id if analysis.location else None
        if not scope.admits(located, None):
            raise NotFound(f"message {message_id} does not exist")
        analysis.needs_moderation = True  # a person decided it is an appeal; a person routes it
        appeal = _register(ctx, uow, stored, analysis, now)
        assert appeal.id is not None
        score = analysis.detection.appeal_score if analysis.detection else None
        uow.appeals.add_event(
            AppealEvent(
                appeal.id,
                EventType.PROMOTED.value,
                now,
                principal.actor,
                reason=(reason or "").strip() or None,
                data={"message_id": message_id, "appeal_score": score, "decision_before": stored.outcome_reason},
            )
        )
        uow.messages.record_outcome(
            message_id, MessageOutcome.REGISTERED, at=now, reason="обращение по решению модератора", appeal_id=appeal.id
        )
        uow.outbox.add(APPEAL_REGISTERED, {"appeal_id": appeal.id}, at=now)
        uow.commit()
    ctx.bus.after_commit()
    return appeal


def _check_promoted(uow: UnitOfWork, stored: StoredMessage, principal: Principal) -> None:
    """Already an appeal: 409 for those who can see that appeal, 404 for the others."""
    assert stored.appeal_id is not None
    appeal = appeal_service._get(uow, stored.appeal_id, scope_of(principal))
    raise Conflict(f"сообщение {stored.id} уже обращение {appeal.number}")


def _analyse_as_appeal(ctx: ServiceContext, stored: StoredMessage, now: datetime) -> PipelineContext:
    """The registration pipeline of the message; when the detector stops it, the stages after the detector
    run as for an appeal (the detector's score is kept for the record)."""
    analysis = _run_pipeline(ctx, stored, now)
    if analysis.is_appeal:
        return analysis  # the current model already agrees: every stage has run
    assert analysis.detection is not None
    analysis.detection = replace(analysis.detection, is_appeal=True)
    analysis.explanation.append("признано обращением модератором")
    analysis.stopped = False
    stages = registration_stages(ctx.understanding, ctx.policies, ctx.calendar)
    after_detect = next(i for i, stage in enumerate(stages) if isinstance(stage, DetectStage)) + 1
    return Pipeline(stages[after_detect:]).run(analysis)


def promoted_examples(ctx: ServiceContext) -> list[str]:
    """Training hook: texts moderators promoted to appeals, i.e. detector positives («appeal») it missed."""
    with ctx.uow(readonly=True) as uow:
        return ModerationQueries(uow.session).promoted_texts()
