"""Use cases on a registered appeal: change status, reply, rate, and read it with its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.adapters.db.repositories.deliveries import Delivery
from otklik.domain.appeal import Appeal
from otklik.domain.errors import Conflict, InvalidInput, NotFound
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.replies import Rating, Reply, ReplyKind
from otklik.domain.status import AppealStatus, RejectReason
from otklik.services.context import ServiceContext
from otklik.services.notifications import queue_notice, reply_notice, status_notice
from otklik.services.unit_of_work import UnitOfWork

APPEAL_STATUS_CHANGED = "appeal.status_changed"


@dataclass(frozen=True)
class TransitionRequest:
    to: AppealStatus
    actor: str
    reason: str | None = None
    agency_id: str | None = None
    reject_reason: RejectReason | None = None
    duplicate_of_id: int | None = None


@dataclass(frozen=True)
class AppealDetail:
    appeal: Appeal
    history: list[AppealEvent]
    replies: list[Reply]
    ratings: list[Rating]
    deliveries: list[Delivery]


def change_status(ctx: ServiceContext, appeal_id: int, request: TransitionRequest) -> Appeal:
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, lock=True)
        if request.agency_id is not None and ctx.reference.agency(request.agency_id) is None:
            raise InvalidInput(f"unknown agency {request.agency_id!r}")
        if request.duplicate_of_id is not None:
            _get(uow, request.duplicate_of_id)
        _apply(ctx, uow, appeal, request)
        uow.commit()
    ctx.bus.after_commit()
    return appeal


def _apply(ctx: ServiceContext, uow: UnitOfWork, appeal: Appeal, request: TransitionRequest) -> AppealEvent:
    now = ctx.clock.now()
    event = appeal.transition(
        request.to,
        actor=request.actor,
        at=now,
        reason=request.reason,
        agency_id=request.agency_id,
        reject_reason=request.reject_reason,
        duplicate_of_id=request.duplicate_of_id,
    )
    uow.appeals.add_event(event, flush=True)
    assert appeal.id is not None
    uow.outbox.add(APPEAL_STATUS_CHANGED, {"appeal_id": appeal.id, "to": request.to.value}, at=now)
    agency = ctx.reference.agency(appeal.agency_id) if appeal.agency_id else None
    notice = status_notice(appeal, agency.name if agency else None)
    stored = uow.messages.get(appeal.message_id)
    if notice and stored is not None:
        queue_notice(
            uow, appeal, stored, kind="status", text=notice, key=f"appeal:{appeal.id}:status:{event.id}", at=now
        )
    return event


@dataclass(frozen=True)
class Correction:
    """A moderator's fix of what the machine decided; recorded as training data for the models."""

    actor: str
    group: str | None = None
    topic: str | None = None
    municipality_id: str | None = None
    reason: str | None = None


def correct(ctx: ServiceContext, appeal_id: int, correction: Correction) -> Appeal:
    """Fix topic and place; the competent body follows the matrix unless the appeal is already someone's work."""
    _check_correction(ctx, correction)
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, lock=True)
        before = {"group": appeal.group, "topic": appeal.topic, "municipality_id": appeal.municipality_id}
        if correction.group is not None:
            appeal.group, appeal.topic = correction.group, correction.topic
            appeal.category_confidence = 1.0
        if correction.municipality_id is not None:
            appeal.municipality_id = correction.municipality_id
        after = {"group": appeal.group, "topic": appeal.topic, "municipality_id": appeal.municipality_id}
        if after == before:
            raise InvalidInput("the correction changes nothing")
        now = ctx.clock.now()
        uow.appeals.add_event(
            AppealEvent(
                appeal_id,
                EventType.CORRECTED.value,
                now,
                correction.actor,
                reason=correction.reason,
                data={"before": before, "after": after},
            )
        )
        _propose_body(ctx, appeal)
        uow.commit()
    return appeal


def _check_correction(ctx: ServiceContext, correction: Correction) -> None:
    rubricator = ctx.reference.rubricator
    if correction.group is not None and rubricator.group(correction.group) is None:
        raise InvalidInput(f"unknown group {correction.group!r}; see /api/v1/reference/categories")
    if correction.topic is not None:
        topic = rubricator.topic(correction.topic)
        if topic is None or topic.group != correction.group:
            raise InvalidInput(f"topic {correction.topic!r} is not in group {correction.group!r}")
    if correction.municipality_id is not None and ctx.reference.municipality(correction.municipality_id) is None:
        raise InvalidInput(f"unknown municipality {correction.municipality_id!r}")
    if correction.group is None and correction.municipality_id is None:
        raise InvalidInput("give a group (and topic) or a municipality to correct")


def _propose_body(ctx: ServiceContext, appeal: Appeal) -> None:
    """While the appeal waits for a moderator, the matrix's body for the corrected topic and place is proposed."""
    if appeal.status_enum not in (AppealStatus.NEW, AppealStatus.NEEDS_MODERATION) or appeal.group is None:
        return
    competence = ctx.reference.competence_matrix().resolve(appeal.group, appeal.topic, appeal.municipality_id)
    if competence is not None:
        appeal.agency_id = competence.agency.id


def add_reply(ctx: ServiceContext, appeal_id: int, *, kind: ReplyKind, text: str, author: str) -> Reply:
    """An interim reply moves the appeal to «answered», a final one to «resolved»; the citizen gets the text."""
    if not text.strip():
        raise InvalidInput("a reply needs text")
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, lock=True)
        now = ctx.clock.now()
        target = {ReplyKind.INTERIM: AppealStatus.ANSWERED, ReplyKind.FINAL: AppealStatus.RESOLVED}.get(kind)
        if target is not None and appeal.status_enum is not target:
            _apply(ctx, uow, appeal, TransitionRequest(target, author, reason=f"ответ: {kind.value}"))
        reply = uow.appeals.add_reply(Reply(appeal_id, kind.value, text, author, appeal.agency_id, now))
        uow.appeals.add_event(
            AppealEvent(appeal_id, EventType.REPLY_ADDED.value, now, author, data={"reply_id": reply.id, "kind": kind})
        )
        stored = uow.messages.get(appeal.message_id)
        if stored is not None:
            queue_notice(
                uow,
                appeal,
                stored,
                kind=f"reply_{kind.value}",
                text=reply_notice(appeal, kind.value, text),
                key=f"reply:{reply.id}",
                at=now,
            )
        uow.commit()
    ctx.bus.after_commit()
    return reply


def rate(ctx: ServiceContext, appeal_id: int, *, score: int, solved: bool, comment: str | None, actor: str) -> Rating:
    """A rating closes a resolved appeal; «не решено» within the reopen window reopens it."""
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, lock=True)
        if appeal.status_enum not in (AppealStatus.RESOLVED, AppealStatus.CLOSED):
            raise InvalidInput(f"appeal {appeal.number} has no final answer yet; it can be rated after one")
        resolved_at = appeal.resolved_at or appeal.closed_at
        if resolved_at is not None and any(r.created_at >= resolved_at for r in uow.appeals.ratings(appeal_id)):
            raise Conflict(f"appeal {appeal.number} is already rated for this answer")
        now = ctx.clock.now()
        rating = Rating(appeal_id, score, solved, comment, now)
        uow.appeals.add_rating(rating)
        uow.appeals.add_event(
            AppealEvent(appeal_id, EventType.RATED.value, now, actor, data={"score": score, "solved": solved})
        )
        if not solved and _within_reopen_window(ctx, appeal):
            _apply(ctx, uow, appeal, TransitionRequest(AppealStatus.REOPENED, actor, reason="гражданин: не решено"))
        elif appeal.status_enum is AppealStatus.RESOLVED:
            _apply(ctx, uow, appeal, TransitionRequest(AppealStatus.CLOSED, actor, reason="оценка гражданина"))
        uow.commit()
    ctx.bus.after_commit()
    return rating


def reopen_until(ctx: ServiceContext, appeal: Appeal) -> datetime | None:
    """The final answer opens a window of `settings.reopen_days` in which «не решено» returns the appeal;
    None when there is no final answer to reopen."""
    if appeal.status_enum not in (AppealStatus.RESOLVED, AppealStatus.CLOSED):
        return None
    answered = appeal.resolved_at or appeal.closed_at
    return answered + timedelta(days=ctx.settings.reopen_days) if answered else None


def _within_reopen_window(ctx: ServiceContext, appeal: Appeal) -> bool:
    until = reopen_until(ctx, appeal)
    return until is not None and ctx.clock.now() <= until


def get_detail(ctx: ServiceContext, appeal_id: int) -> AppealDetail:
    with ctx.uow(readonly=True) as uow:
        appeal = _get(uow, appeal_id)
        return AppealDetail(
            appeal,
            uow.appeals.history(appeal_id),
            uow.appeals.replies(appeal_id),
            uow.appeals.ratings(appeal_id),
            uow.deliveries.for_appeal(appeal_id),
        )


def list_appeals(ctx: ServiceContext, filters: AppealFilter) -> tuple[list[Appeal], int]:
    with ctx.uow(readonly=True) as uow:
        return uow.appeals.search(filters)


def _get(uow: UnitOfWork, appeal_id: int, *, lock: bool = False) -> Appeal:
    appeal = uow.appeals.get(appeal_id, lock=lock)
    if appeal is None:
        raise NotFound(f"appeal {appeal_id} does not exist")
    return appeal
