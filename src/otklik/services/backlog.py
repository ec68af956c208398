"""A body's backlog: its open appeals by the person working on each, reassignment within the body, and an
executor taking an appeal into work. Access: `domain/access.py`; rules: docs/moderation.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from otklik.adapters.db.repositories.moderation import LoadRow, ModerationQueries, Person
from otklik.domain.access import Action, Principal, Role, authorize, scope_of
from otklik.domain.appeal import Appeal
from otklik.domain.errors import Conflict, InvalidInput, NotFound
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.status import AppealStatus, check_transition
from otklik.services import appeals as appeal_service
from otklik.services.appeals import TransitionRequest
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

# The body's work: an appeal waiting for a moderator only carries a proposed body, so it is not in the backlog.
WORK_STATUSES = [
    AppealStatus.ASSIGNED,
    AppealStatus.IN_PROGRESS,
    AppealStatus.ANSWERED,
    AppealStatus.REOPENED,
    AppealStatus.REDIRECTED,
]
UNASSIGNED = "не распределено"
_AGENCY_ROLES = frozenset({Role.EXECUTOR.value, Role.AGENCY_HEAD.value})
TAKE_REASON = "взято в работу"


@dataclass(frozen=True)
class PersonLoad:
    """One person's share of the backlog (user_id None: appeals nobody was given yet)."""

    user_id: int | None
    login: str | None
    name: str
    open: int
    overdue: int
    nearest_due_at: datetime | None


@dataclass(frozen=True)
class Backlog:
    agency_id: str
    agency_name: str
    open: int
    overdue: int
    people: list[PersonLoad]


def agency_backlog(ctx: ServiceContext, principal: Principal, *, agency_id: str | None = None) -> Backlog:
    """The head's view of the body: every active executor and head (also those with nothing to do), then
    «не распределено». The administrator names the body; a head sees their own only."""
    authorize(principal, Action.REASSIGN)
    agency = _agency_of(ctx, principal, agency_id)
    now = ctx.clock.now()
    with ctx.uow(readonly=True) as uow:
        queries = ModerationQueries(uow.session)
        loads = {
            row.assignee_id: row for row in queries.load_by_assignee(scope_of(principal), agency, WORK_STATUSES, now)
        }
        staff = [p for p in queries.people(agency_id=agency) if p.active and p.role in _AGENCY_ROLES]
        others = [i for i in loads if i is not None and i not in {p.id for p in staff}]
        staff += queries.people(ids=others) if others else []  # left the body or deactivated, still holding work
    people = [_load(p.id, p.login, p.name, loads.get(p.id)) for p in staff]
    people.append(_load(None, None, UNASSIGNED, loads.get(None)))
    found = ctx.reference.agency(agency)
    return Backlog(
        agency,
        found.name if found else agency,
        sum(p.open for p in people),
        sum(p.overdue for p in people),
        people,
    )


def _load(user_id: int | None, login: str | None, name: str, row: LoadRow | None) -> PersonLoad:
    if row is None:
        return PersonLoad(user_id, login, name, 0, 0, None)
    return PersonLoad(user_id, login, name, row.open, row.overdue, row.nearest_due_at)


def _agency_of(ctx: ServiceContext, principal: Principal, agency_id: str | None) -> str:
    if principal.role in (Role.EXECUTOR, Role.AGENCY_HEAD):
        own = principal.agency_id or "—"
        if agency_id is not None and agency_id != own:
            raise NotFound(f"agency {agency_id} does not exist")  # another body's backlog is not theirs to know
        return own
    if not agency_id:
        raise InvalidInput("укажите орган (agency)")
    if ctx.reference.agency(agency_id) is None:
        raise InvalidInput(f"неизвестный орган {agency_id!r}; см. /api/v1/reference/agencies")
    return agency_id


def my_agency_appeals(ctx: ServiceContext, principal: Principal, *, mine_only: bool = False) -> list[Appeal]:
    """The body's open appeals, overdue first, then by deadline; `mine_only`: those the principal works on."""
    authorize(principal, Action.READ)
    if principal.role not in (Role.EXECUTOR, Role.AGENCY_HEAD) or not principal.agency_id:
        raise InvalidInput("список органа — для исполнителей и руководителей органа")
    with ctx.uow(readonly=True) as uow:
        return ModerationQueries(uow.session).agency_appeals(
            scope_of(principal),
            principal.agency_id,
            WORK_STATUSES,
            ctx.clock.now(),
            assignee_id=principal.user_id if mine_only else None,
        )


def reassign(ctx: ServiceContext, principal: Principal, appeal_id: int, assignee_login: str) -> Appeal:
    """The head gives an appeal of the body to one of its active executors or heads (else 422)."""
    with ctx.uow() as uow:
        appeal = appeal_service._get(
            uow, appeal_id, scope_of(principal), lock=True, principal=principal, action=Action.REASSIGN
        )
        if appeal.status_enum not in WORK_STATUSES:
            raise InvalidInput(f"обращение {appeal.number} не в работе органа ({appeal.status}): переназначать нечего")
        person = _colleague(uow, appeal, assignee_login)
        if appeal.assignee_id == person.id:
            raise InvalidInput(f"обращение {appeal.number} уже у {person.name}")
        _set_assignee(ctx, uow, appeal, person, principal.actor, reason=None)
        uow.commit()
    return appeal


def _colleague(uow: UnitOfWork, appeal: Appeal, login: str) -> Person:
    record = uow.staff.user_by_login(login.strip().lower())
    if record is None or not record.active:
        raise InvalidInput(f"нет действующего сотрудника {login!r}")
    if record.role not in _AGENCY_ROLES or record.agency_id is None or record.agency_id != appeal.agency_id:
        raise InvalidInput(f"{record.name} не исполнитель органа этого обращения")
    return Person(record.id, record.login, record.name, record.role, record.agency_id, record.active)


def _set_assignee(
    ctx: ServiceContext, uow: UnitOfWork, appeal: Appeal, person: Person, actor: str, *, reason: str | None
) -> None:
    assert appeal.id is not None
    before = _who(uow, appeal.assignee_id)
    appeal.assignee_id = person.id
    uow.appeals.add_event(
        AppealEvent(
            appeal.id,
            EventType.REASSIGNED.value,
            ctx.clock.now(),
            actor,
            reason=reason,
            data={"before": before, "after": {"user_id": person.id, "login": person.login, "name": person.name}},
        )
    )


def _who(uow: UnitOfWork, user_id: int | None) -> dict[str, object] | None:
    if user_id is None:
        return None
    record = uow.staff.user(user_id)
    return {"user_id": user_id, "login": record.login if record else None, "name": record.name if record else None}


def take(ctx: ServiceContext, principal: Principal, appeal_id: int) -> Appeal:
    """An executor takes an appeal of their body: it becomes theirs and goes «in progress». One someone else
    already works on is not taken over silently (409): the head reassigns."""
    if principal.user_id is None:
        raise InvalidInput("брать в работу могут только сотрудники")
    with ctx.uow() as uow:
        appeal = appeal_service._get(
            uow, appeal_id, scope_of(principal), lock=True, principal=principal, action=Action.WORK
        )
        moves = appeal.status_enum is not AppealStatus.IN_PROGRESS
        if moves:
            check_transition(appeal.status_enum, AppealStatus.IN_PROGRESS)  # 409 before anything is written
        if appeal.assignee_id not in (None, principal.user_id) and not moves:
            holder = _who(uow, appeal.assignee_id) or {}
            raise Conflict(f"обращение {appeal.number} уже в работе у {holder.get('name')}")
        if appeal.assignee_id != principal.user_id:
            record = uow.staff.user(principal.user_id)
            assert record is not None
            me = Person(record.id, record.login, record.name, record.role, record.agency_id, record.active)
            _set_assignee(ctx, uow, appeal, me, principal.actor, reason=TAKE_REASON)
            uow.commit()
    if moves:
        request = TransitionRequest(AppealStatus.IN_PROGRESS, reason=TAKE_REASON)
        appeal = appeal_service.change_status(ctx, principal, appeal_id, request)
    return appeal


def people_by_id(ctx: ServiceContext, user_ids: list[int]) -> dict[int, Person]:
    """Who the assignees are, for showing them by name."""
    if not user_ids:
        return {}
    with ctx.uow(readonly=True) as uow:
        return {p.id: p for p in ModerationQueries(uow.session).people(ids=sorted(set(user_ids)))}
