"""Extending an appeal's deadline (59-ФЗ art. 12 p. 2): the body asks, its head (or the center) decides.

Executors and agency heads request (Action.REQUEST_EXTENSION); the head of the same body, a regional moderator or
the administrator decides (Action.APPROVE_EXTENSION, scope: the head sees only the body's appeals). An approval
moves `due_at` by the days asked — calendar days, landing on the end of a working day — and tells the citizen.
"""

from __future__ import annotations

from otklik.adapters.db.repositories.workflow import WorkflowRepository
from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.errors import Conflict, NotFound
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.extensions import Extension, check_extension_request, extension_notice
from otklik.domain.status import OPEN_STATUSES
from otklik.services.answers import appeal_in_scope
from otklik.services.context import ServiceContext
from otklik.services.notifications import queue_notice


def request_extension(ctx: ServiceContext, principal: Principal, appeal_id: int, days: int, reason: str) -> Extension:
    with ctx.uow() as uow:
        appeal = appeal_in_scope(uow, principal, appeal_id, lock=True, action=Action.REQUEST_EXTENSION)
        if appeal.status_enum not in OPEN_STATUSES:
            raise Conflict(f"обращение {appeal.number} уже не в работе: продлевать нечего")
        if appeal.due_at is None:
            raise Conflict(f"у обращения {appeal.number} нет срока: продлевать нечего")
        repo = WorkflowRepository(uow.session)
        check_extension_request(days, reason, repo.extensions_of(appeal_id), appeal.number)
        now = ctx.clock.now()
        extension = repo.save_extension(
            Extension(appeal_id, days, reason.strip(), principal.actor, now, appeal.agency_id)
        )
        uow.appeals.add_event(
            AppealEvent(
                appeal_id,
                EventType.EXTENSION_REQUESTED.value,
                now,
                principal.actor,
                reason=extension.reason,
                data={"extension_id": extension.id, "days": days, "due_at": appeal.due_at.isoformat()},
            )
        )
        uow.commit()
    return extension


def decide_extension(
    ctx: ServiceContext, principal: Principal, extension_id: int, approve: bool, comment: str | None
) -> Extension:
    with ctx.uow() as uow:
        repo = WorkflowRepository(uow.session)
        extension = repo.extension(extension_id, lock=True)
        if extension is None:
            raise NotFound(f"extension {extension_id} does not exist")
        try:
            appeal = appeal_in_scope(uow, principal, extension.appeal_id, lock=True, action=Action.APPROVE_EXTENSION)
        except NotFound:
            raise NotFound(f"extension {extension_id} does not exist") from None
        if approve and (appeal.status_enum not in OPEN_STATUSES or appeal.due_at is None):
            raise Conflict(f"обращение {appeal.number} уже не в работе: продлевать нечего")
        now = ctx.clock.now()
        before = appeal.due_at
        extension.decide(approve=approve, by=principal.actor, at=now, comment=comment, due_before=before)
        data: dict[str, object] = {"extension_id": extension.id, "days": extension.days}
        if approve and before is not None:  # an open appeal with a deadline: checked above
            appeal.due_at = extension.due_after = ctx.calendar.add_calendar_days(before, extension.days)
            data.update({"before": before.isoformat(), "after": appeal.due_at.isoformat()})
        repo.save_extension(extension)
        event_type = EventType.EXTENSION_APPROVED if approve else EventType.EXTENSION_REJECTED
        uow.appeals.add_event(
            AppealEvent(
                extension.appeal_id, event_type.value, now, principal.actor, reason=extension.comment, data=data
            )
        )
        stored = uow.messages.get(appeal.message_id)
        if approve and appeal.due_at is not None and stored is not None:
            queue_notice(
                uow,
                appeal,
                stored,
                kind="extension",
                text=extension_notice(appeal.number, appeal.due_at, extension.reason),
                key=f"extension:{extension.id}",
                at=now,
            )
        uow.commit()
    ctx.bus.after_commit()
    return extension


def pending_extensions(ctx: ServiceContext, principal: Principal) -> list[Extension]:
    """Requests waiting for a decision on appeals of the principal's scope, oldest first."""
    authorize(principal, Action.APPROVE_EXTENSION)
    with ctx.uow(readonly=True) as uow:
        return WorkflowRepository(uow.session).pending_extensions(scope_of(principal))


def extensions_of(ctx: ServiceContext, principal: Principal, appeal_id: int) -> list[Extension]:
    with ctx.uow(readonly=True) as uow:
        appeal_in_scope(uow, principal, appeal_id, action=Action.READ)
        return WorkflowRepository(uow.session).extensions_of(appeal_id)
