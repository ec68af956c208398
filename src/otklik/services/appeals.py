"""Use cases on a registered appeal: change status, reply, rate, and read it with its history.

Every use case takes the principal behind the request: the role decides the action (403), the scope decides
whether the appeal exists for them at all (404). `domain/access.py` is the table; this module applies it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from otklik.adapters.db.repositories.appeal_pages import AppealPage
from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.adapters.db.repositories.deliveries import Delivery
from otklik.domain.access import SYSTEM, Action, AppealScope, Principal, PrincipalKind, Role, authorize, scope_of
from otklik.domain.analytics import note_status_change
from otklik.domain.appeal import Appeal
from otklik.domain.citizen import Citizen
from otklik.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.replies import Rating, Reply, ReplyKind
from otklik.domain.status import AppealStatus, RejectReason
from otklik.services.context import ServiceContext
from otklik.services.learning import remember_correction
from otklik.services.notifications import queue_notice, reply_notice, status_notice
from otklik.services.staff import routable_agencies
from otklik.services.unit_of_work import UnitOfWork

APPEAL_STATUS_CHANGED = "appeal.status_changed"


@dataclass(frozen=True)
class TransitionRequest:
    to: AppealStatus
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


# The action each target status is reached by (roles.md): who may move an appeal there.
_ACTION_OF_TARGET: dict[AppealStatus, Action] = {
    AppealStatus.NEEDS_MODERATION: Action.MODERATE,
    AppealStatus.ASSIGNED: Action.ROUTE,
    AppealStatus.IN_PROGRESS: Action.WORK,
    AppealStatus.ANSWERED: Action.WORK,
    AppealStatus.RESOLVED: Action.WORK,
    AppealStatus.CLOSED: Action.MODERATE,
    AppealStatus.REOPENED: Action.MODERATE,
    AppealStatus.REJECTED: Action.REJECT,
    AppealStatus.REDIRECTED: Action.REDIRECT,
}
_AGENCY_SIDE = frozenset({Role.EXECUTOR, Role.AGENCY_HEAD})
_ROUTED = frozenset({AppealStatus.ASSIGNED, AppealStatus.REDIRECTED})  # a person's choice of body: remembered
_PEOPLE = frozenset({PrincipalKind.STAFF, PrincipalKind.TOKEN})


def change_status(ctx: ServiceContext, principal: Principal, appeal_id: int, request: TransitionRequest) -> Appeal:
    citizen_reopens = principal.kind is PrincipalKind.CITIZEN and request.to is AppealStatus.REOPENED
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, scope_of(principal), lock=True)  # 404 outside the scope, before any 403
        if not citizen_reopens:
            authorize(principal, _ACTION_OF_TARGET[request.to])
        if request.agency_id is not None:
            _check_target_agency(ctx, principal, request.agency_id)
        if request.duplicate_of_id is not None:
            _get(uow, request.duplicate_of_id, scope_of(principal))
        if request.to is AppealStatus.REDIRECTED and not (request.reason or "").strip():
            raise InvalidInput("перенаправление требует обоснования: почему орган не компетентен (reason)")
        if request.to is AppealStatus.REDIRECTED and principal.role in _AGENCY_SIDE:
            _redirect_through_moderation(ctx, uow, principal, appeal, request)
        else:
            _apply(ctx, uow, appeal, request, principal.actor)
        uow.commit()
    if request.agency_id and appeal.status_enum in _ROUTED and principal.kind in _PEOPLE:
        remember_correction(ctx, appeal.text, agency_id=request.agency_id)  # a person chose the body
    ctx.bus.after_commit()
    return appeal


def _check_target_agency(ctx: ServiceContext, principal: Principal, agency_id: str) -> None:
    if ctx.reference.agency(agency_id) is None:
        raise InvalidInput(f"unknown agency {agency_id!r}")
    if principal.role is Role.DISTRICT_MODERATOR and agency_id not in routable_agencies(ctx, principal):
        raise Forbidden(f"модератор района назначает органы района и региональные; {agency_id!r} не из них")


def _redirect_through_moderation(
    ctx: ServiceContext, uow: UnitOfWork, principal: Principal, appeal: Appeal, request: TransitionRequest
) -> None:
    """A body that says «not ours» proposes the competent one; a moderator decides (the redirect counts against
    the body that gave the appeal away)."""
    if not request.agency_id or request.agency_id == appeal.agency_id:
        raise InvalidInput("для перенаправления укажите другой орган (agency_id)")
    from_agency = appeal.agency_id
    event = appeal.transition(
        AppealStatus.NEEDS_MODERATION, actor=principal.actor, at=ctx.clock.now(), reason=request.reason
    )
    appeal.agency_id = request.agency_id
    appeal.redirect_count += 1
    event.data.update({"redirect_requested": True, "from_agency_id": from_agency, "to_agency_id": request.agency_id})
    _record(ctx, uow, appeal, event)


def _apply(ctx: ServiceContext, uow: UnitOfWork, appeal: Appeal, request: TransitionRequest, actor: str) -> AppealEvent:
    now = ctx.clock.now()
    event = appeal.transition(
        request.to,
        actor=actor,
        at=now,
        reason=request.reason,
        agency_id=request.agency_id,
        reject_reason=request.reject_reason,
        duplicate_of_id=request.duplicate_of_id,
    )
    return _record(ctx, uow, appeal, event)


def _record(ctx: ServiceContext, uow: UnitOfWork, appeal: Appeal, event: AppealEvent) -> AppealEvent:
    """The event, the outbox hand-over and the citizen's notice of one status change, in the caller's transaction."""
    note_status_change(appeal, event, ctx.calendar, by_machine=event.actor == SYSTEM.actor)
    now = event.at
    uow.appeals.add_event(event, flush=True)
    assert appeal.id is not None and event.to_status is not None
    uow.outbox.add(APPEAL_STATUS_CHANGED, {"appeal_id": appeal.id, "to": event.to_status}, at=now)
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

    group: str | None = None
    topic: str | None = None
    municipality_id: str | None = None
    reason: str | None = None


def correct(ctx: ServiceContext, principal: Principal, appeal_id: int, correction: Correction) -> Appeal:
    """Fix topic and place; the competent body follows the matrix unless the appeal is already someone's work."""
    _check_correction(ctx, correction)
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, scope_of(principal), lock=True, principal=principal, action=Action.MODERATE)
        before = {"group": appeal.group, "topic": appeal.topic, "municipality_id": appeal.municipality_id}
        if correction.group is not None:
            appeal.group, appeal.topic = correction.group, correction.topic
            appeal.category_confidence = 1.0
        if correction.municipality_id is not None:
            appeal.municipality_id = correction.municipality_id
        after = {"group": appeal.group, "topic": appeal.topic, "municipality_id": appeal.municipality_id}
        if after == before:
            raise InvalidInput("исправление ничего не меняет: выбраны те же тема и место")
        appeal.corrected = True
        now = ctx.clock.now()
        uow.appeals.add_event(
            AppealEvent(
                appeal_id,
                EventType.CORRECTED.value,
                now,
                principal.actor,
                reason=correction.reason,
                data={"before": before, "after": after},
            )
        )
        _propose_body(ctx, appeal)
        uow.commit()
    if correction.group is not None:
        remember_correction(ctx, appeal.text, group=appeal.group, topic=appeal.topic)
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


def add_reply(ctx: ServiceContext, principal: Principal, appeal_id: int, *, kind: ReplyKind, text: str) -> Reply | None:
    """An interim reply moves the appeal to «answered», a final one to «resolved»; the citizen gets the text.
    A clarification is a request to the citizen for details. A person's final answer goes through review
    (`services.answers.submit_final_answer`, docs/answers.md): None while it waits for a moderator."""
    if not text.strip():
        raise InvalidInput("a reply needs text")
    if kind is ReplyKind.FINAL and principal.kind is PrincipalKind.STAFF:
        from otklik.services.answers import submit_final_answer  # a cycle at import time: answers uses this module

        draft = submit_final_answer(ctx, principal, appeal_id, text)
        with ctx.uow(readonly=True) as uow:
            return next((r for r in uow.appeals.replies(appeal_id) if r.id == draft.reply_id), None)
    with ctx.uow() as uow:
        appeal = _get(
            uow,
            appeal_id,
            scope_of(principal),
            lock=True,
            principal=principal,
            action=Action.ASK_DETAILS if kind is ReplyKind.CLARIFICATION else Action.WORK,
        )
        reply = publish_reply(ctx, uow, appeal, kind=kind, text=text, author=principal.actor)
        uow.commit()
    ctx.bus.after_commit()
    return reply


def publish_reply(
    ctx: ServiceContext, uow: UnitOfWork, appeal: Appeal, *, kind: ReplyKind, text: str, author: str
) -> Reply:
    """The reply, its status move and the citizen's notice, in the caller's transaction (the caller checked
    the right to send it: `add_reply`, or a moderator's approval of a final answer)."""
    assert appeal.id is not None
    appeal_id = appeal.id
    now = ctx.clock.now()
    target = {ReplyKind.INTERIM: AppealStatus.ANSWERED, ReplyKind.FINAL: AppealStatus.RESOLVED}.get(kind)
    if target is not None and appeal.status_enum is not target:
        _apply(ctx, uow, appeal, TransitionRequest(target, reason=f"ответ: {kind.value}"), author)
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
    return reply


def rate(
    ctx: ServiceContext, principal: Principal, appeal_id: int, *, score: int, solved: bool, comment: str | None
) -> Rating:
    """A rating closes a resolved appeal; «не решено» within the reopen window reopens it.

    The citizen rates through their channel; staff record a rating only as moderators (one given by phone)."""
    actor = principal.actor
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, scope_of(principal), lock=True)
        if principal.kind is PrincipalKind.STAFF:
            authorize(principal, Action.MODERATE)
        if appeal.status_enum not in (AppealStatus.RESOLVED, AppealStatus.CLOSED):
            raise InvalidInput(f"appeal {appeal.number} has no final answer yet; it can be rated after one")
        resolved_at = appeal.resolved_at or appeal.closed_at
        if resolved_at is not None and any(r.created_at >= resolved_at for r in uow.appeals.ratings(appeal_id)):
            raise Conflict(f"appeal {appeal.number} is already rated for this answer")
        now = ctx.clock.now()
        rating = Rating(appeal_id, score, solved, comment, now)
        uow.appeals.add_rating(rating)
        appeal.rating_score, appeal.rating_solved = score, solved
        uow.appeals.add_event(
            AppealEvent(appeal_id, EventType.RATED.value, now, actor, data={"score": score, "solved": solved})
        )
        if not solved and _within_reopen_window(ctx, appeal):
            _apply(ctx, uow, appeal, TransitionRequest(AppealStatus.REOPENED, reason="гражданин: не решено"), actor)
        elif appeal.status_enum is AppealStatus.RESOLVED:
            _apply(ctx, uow, appeal, TransitionRequest(AppealStatus.CLOSED, reason="оценка гражданина"), actor)
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


def get_detail(ctx: ServiceContext, principal: Principal, appeal_id: int) -> AppealDetail:
    with ctx.uow(readonly=True) as uow:
        appeal = _get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.READ)
        return AppealDetail(
            appeal,
            uow.appeals.history(appeal_id),
            uow.appeals.replies(appeal_id),
            uow.appeals.ratings(appeal_id),
            uow.deliveries.for_appeal(appeal_id),
        )


def list_appeals(ctx: ServiceContext, principal: Principal, filters: AppealFilter) -> tuple[list[Appeal], int]:
    found = list_page(ctx, principal, filters)
    return found.items, found.total


def list_page(ctx: ServiceContext, principal: Principal, filters: AppealFilter) -> AppealPage:
    """A page of the appeals in the principal's scope, with its (possibly capped) total and next cursor."""
    authorize(principal, Action.READ)
    with ctx.uow(readonly=True) as uow:
        return uow.appeals.page(filters, scope_of(principal))


@dataclass(frozen=True)
class Contacts:
    """The citizen's personal data: who wrote and how to reach them, with the unmasked text."""

    name: str | None
    phone: str | None
    email: str | None
    text: str
    address: str | None


def contacts(ctx: ServiceContext, principal: Principal, appeal_id: int) -> Contacts:
    """152-ФЗ: reading a citizen's personal data is itself recorded — an event in the appeal's history."""
    with ctx.uow() as uow:
        appeal = _get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.SEE_CONTACTS)
        citizen = uow.session.get(Citizen, appeal.citizen_id) if appeal.citizen_id else None
        uow.appeals.add_event(
            AppealEvent(appeal_id, EventType.PERSONAL_DATA_VIEWED.value, ctx.clock.now(), principal.actor)
        )
        uow.commit()
    return Contacts(
        citizen.name if citizen else None,
        citizen.phone if citizen else None,
        citizen.email if citizen else None,
        appeal.text,
        appeal.address,
    )


def _get(
    uow: UnitOfWork,
    appeal_id: int,
    scope: AppealScope,
    *,
    lock: bool = False,
    action: Action | None = None,
    principal: Principal | None = None,
) -> Appeal:
    """The appeal if it exists for this scope; otherwise the same 404 as for an appeal that does not exist.

    With an action, the principal's right to it is checked after the scope: outside the scope an appeal does not
    exist (404) even for a role that could not act on it anyway; inside it, a missing right is a 403."""
    appeal = uow.appeals.get(appeal_id, lock=lock)
    if appeal is None or not scope.admits(appeal.municipality_id, appeal.agency_id, appeal.status):
        raise NotFound(f"appeal {appeal_id} does not exist")
    if action is not None and principal is not None:
        authorize(principal, action)
    return appeal
