"""Asking the citizen for details: the question goes to their channel and the deadline clock pauses until they
answer (59-ФЗ art. 10 p. 1 item 2: the body may ask for documents and materials needed to consider the appeal;
the center's regulation does not count the time the citizen takes against the body).

The pause is measured in working time of the production calendar: a pause from Friday evening to Monday morning
takes no working hours from the body, so the deadline does not move; a pause of a working day moves it by that
working day. `due_at` always moves; `first_response_due_at` moves when it had not passed when the clock paused.
"""

from __future__ import annotations

from otklik.adapters.db.repositories.workflow import WorkflowRepository
from otklik.domain.access import Action, Principal, PrincipalKind, authorize, citizen
from otklik.domain.appeal import Appeal
from otklik.domain.errors import Conflict, InvalidInput
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.extensions import DetailsRequest, resume_deadline, working_hours_between
from otklik.domain.replies import ReplyKind
from otklik.domain.status import OPEN_STATUSES
from otklik.services.answers import appeal_in_scope
from otklik.services.appeals import publish_reply
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

CITIZEN = citizen("заявитель")


def ask_details(ctx: ServiceContext, principal: Principal, appeal_id: int, question: str) -> DetailsRequest:
    """A clarification reply to the citizen's channel and the clock paused, in one transaction."""
    question = question.strip()
    if not question:
        raise InvalidInput("запрос уточнений должен содержать вопрос заявителю")
    with ctx.uow() as uow:
        appeal = appeal_in_scope(uow, principal, appeal_id, lock=True, action=Action.ASK_DETAILS)
        if appeal.status_enum not in OPEN_STATUSES:
            raise Conflict(f"обращение {appeal.number} уже не в работе: уточнения не нужны")
        reply = publish_reply(ctx, uow, appeal, kind=ReplyKind.CLARIFICATION, text=question, author=principal.actor)
        now = ctx.clock.now()
        # A second question while the first waits keeps the clock paused from the first one.
        appeal.clock_paused_at = appeal.clock_paused_at or now
        request = WorkflowRepository(uow.session).save_details_request(
            DetailsRequest(appeal_id, question, principal.actor, now, reply_id=reply.id)
        )
        uow.appeals.add_event(
            AppealEvent(
                appeal_id,
                EventType.DETAILS_REQUESTED.value,
                now,
                principal.actor,
                data={
                    "request_id": request.id,
                    "reply_id": reply.id,
                    "paused_at": appeal.clock_paused_at.isoformat(),
                },
            )
        )
        uow.commit()
    ctx.bus.after_commit()
    return request


def details_received(
    ctx: ServiceContext, appeal_id: int, text: str, *, principal: Principal = CITIZEN
) -> DetailsRequest:
    """The citizen answered (in their channel, or by phone to staff): the clock restarts and the deadlines move
    on by the working hours of the pause. Staff recording a phone answer need Action.ASK_DETAILS and the scope."""
    text = text.strip()
    if not text:
        raise InvalidInput("ответ заявителя не может быть пустым")
    with ctx.uow() as uow:
        appeal = appeal_in_scope(uow, principal, appeal_id, lock=True)
        if principal.kind in (PrincipalKind.STAFF, PrincipalKind.TOKEN):
            authorize(principal, Action.ASK_DETAILS)
        answered = resume_clock(ctx, uow, appeal, text, actor=principal.actor)
        uow.commit()
    return answered


def resume_clock(ctx: ServiceContext, uow: UnitOfWork, appeal: Appeal, text: str, *, actor: str) -> DetailsRequest:
    """The answer recorded and the clock restarted in the caller's transaction (the caller locked the appeal and
    checked the right): the API, staff and an answer arriving in the citizen's channel share it."""
    assert appeal.id is not None
    repo = WorkflowRepository(uow.session)
    waiting = [r for r in repo.details_requests_of(appeal.id) if r.waiting]
    paused_at = appeal.clock_paused_at
    if not waiting or paused_at is None:
        raise Conflict(f"по обращению {appeal.number} уточнения не запрашивались или уже получены")
    now = ctx.clock.now()
    hours = round(working_hours_between(ctx.calendar, paused_at, now), 4)
    data: dict[str, object] = {"request_ids": [r.id for r in waiting], "paused_working_hours": hours}
    if appeal.due_at is not None:
        before = appeal.due_at
        appeal.due_at = resume_deadline(ctx.calendar, before, hours)
        data["due_at"] = {"before": before.isoformat(), "after": appeal.due_at.isoformat()}
    first = appeal.first_response_due_at
    if first is not None and first > paused_at:
        appeal.first_response_due_at = resume_deadline(ctx.calendar, first, hours)
        data["first_response_due_at"] = {
            "before": first.isoformat(),
            "after": appeal.first_response_due_at.isoformat(),
        }
    appeal.clock_paused_at = None
    for request in waiting:
        request.answer, request.answered_by, request.answered_at = text, actor, now
        request.paused_hours = hours
        repo.save_details_request(request)
    uow.appeals.add_event(AppealEvent(appeal.id, EventType.DETAILS_RECEIVED.value, now, actor, data=data))
    return waiting[-1]


def details_of(ctx: ServiceContext, principal: Principal, appeal_id: int) -> list[DetailsRequest]:
    """The questions asked and the citizen's answers; the answers are personal data (Action.SEE_CONTACTS)."""
    with ctx.uow(readonly=True) as uow:
        appeal_in_scope(uow, principal, appeal_id, action=Action.SEE_CONTACTS)
        return WorkflowRepository(uow.session).details_requests_of(appeal_id)
