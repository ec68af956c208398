"""One incident from many channels: the machine groups, a moderator confirms or splits, one answer reaches all.

- `link_new_appeal` runs on every registered appeal (a bus handler, idempotent): it compares the appeal with the
  recent appeals of the same municipality (domain/incidents.py) and joins the best match's incident,
  or opens a proposed incident of the two.
- Moderators (Action.REJECT: «merge duplicates, split» in roles.md) confirm an incident, take appeals out of it
  (split) or put one in by hand.
- `answer` publishes one final answer to every appeal of a confirmed incident that the body may answer, each
  through `answers.submit_final_answer` — the same checks, review and notices as a single answer — so every
  reporter is told in the channel they wrote from. The incident closes when all its appeals are answered.
The dashboard counts problems, not messages, by counting an incident once (`problem_count`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import structlog
from sqlalchemy.exc import IntegrityError

from otklik.adapters.db.repositories.incidents import CandidateRow, IncidentRepository, IncidentRow, MemberRow
from otklik.domain.access import SYSTEM, Action, Principal, authorize, scope_of
from otklik.domain.errors import Conflict, InvalidInput, NotFound
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.incidents import IncidentSignal, IncidentStatus, Match, MatchRule, best_match, reach_of
from otklik.domain.status import AppealStatus
from otklik.nlp.incident_signal import content_lemmas, street_and_house
from otklik.services.answers import submit_final_answer
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)
SYSTEM_ACTOR = "system"
TITLE_LENGTH = 160
RULE = MatchRule()
LINK_ATTEMPTS = 3
SIGNAL_CACHE = 10_000  # texts whose signal parts are kept (a few days of a region's appeals; ~10 MB)
_DONE = frozenset({AppealStatus.RESOLVED.value, AppealStatus.CLOSED.value, AppealStatus.REJECTED.value})


@dataclass(frozen=True)
class IncidentDetail:
    incident: IncidentRow
    members: list[MemberRow]


@dataclass(frozen=True)
class AnswerOutcome:
    appeal_id: int
    number: str
    outcome: str  # published, review, skipped
    reason: str | None = None


def signal_of(row: CandidateRow, text: tuple[str | None, str] | None = None) -> IncidentSignal:
    """The row's signal: its stored text-derived parts, else derived from `text` (its address and masked text)."""
    if row.lemmas is not None:
        return _stored_signal(row)
    assert text is not None, f"appeal {row.appeal_id}: no stored signal and no text to derive one from"
    return _signal(row, *_place_and_words(*text))


@lru_cache(maxsize=SIGNAL_CACHE)
def _stored_signal(row: CandidateRow) -> IncidentSignal:
    """Kept per row (all its columns: a moderator's correction or a new incident is a new row): every appeal linked
    reads up to 500 recent candidates, mostly the same ones as the appeal before it."""
    assert row.lemmas is not None
    return _signal(row, row.street, row.house, frozenset(row.lemmas.split()))


def _signal(row: CandidateRow, street: str | None, house: str | None, lemmas: frozenset[str]) -> IncidentSignal:
    return IncidentSignal(
        appeal_id=row.appeal_id,
        created_at=row.created_at,
        municipality_id=row.municipality_id,
        group=row.group,
        topic=row.topic,
        settlement_id=row.settlement_id,
        settlement_population=row.settlement_population,
        street=street,
        house=house,
        lat=row.lat,
        lon=row.lon,
        lemmas=lemmas,
    )


def _signals(repo: IncidentRepository, rows: list[CandidateRow]) -> list[IncidentSignal]:
    """Signals of the rows; the texts are read only for rows with no stored signal (linked before 0016, or not
    linked yet)."""
    texts = repo.texts([row.appeal_id for row in rows if row.lemmas is None])
    return [signal_of(row, texts.get(row.appeal_id)) for row in rows]


@lru_cache(maxsize=SIGNAL_CACHE)
def _place_and_words(address: str | None, text_masked: str) -> tuple[str | None, str | None, frozenset[str]]:
    """The text-derived part of a signal, kept per text for the appeals with none stored yet."""
    street, house = street_and_house(address, text_masked)
    return street, house, frozenset(content_lemmas(text_masked, street=street))


def link_new_appeal(ctx: ServiceContext, appeal_id: int) -> int | None:
    """Join the appeal to the incident of its best match (or open one); the incident id, or None.

    Two workers linking neighbours at the same moment may both try to put the same earlier appeal into a new
    incident; the unique membership lets one win, and the other tries again on what is now committed."""
    for _ in range(LINK_ATTEMPTS):
        try:
            return _link(ctx, appeal_id)
        except IntegrityError:
            log.info("incident.link_raced", appeal_id=appeal_id)
    return None


def _link(ctx: ServiceContext, appeal_id: int) -> int | None:
    with ctx.uow() as uow:
        repo = IncidentRepository(uow.session)
        found_row = repo.appeal_to_link(appeal_id)
        if found_row is None:
            return None
        row, text = found_row
        if row.incident_id is not None or not row.municipality_id:
            return None
        new = signal_of(row, text)
        if row.lemmas is None:  # derived once here; every later appeal of the window reads it
            repo.store_signal(appeal_id, street=new.street, house=new.house, lemmas=new.lemmas)
        found = _best_candidate(repo, new)
        if found is None:
            uow.commit()
            return None
        other, matched = found
        now = ctx.clock.now()
        incident_id = other.incident_id
        if incident_id is None:
            incident_id = repo.create(
                municipality_id=other.municipality_id,
                group=other.group,
                topic=other.topic,
                title=_title(repo.texts([other.appeal_id])[other.appeal_id][1]),
                at=now,
            )
            first = ["первое сообщение о проблеме"]
            repo.add_member(incident_id, other.appeal_id, at=now, by=SYSTEM_ACTOR, score=None, reasons=first)
            _event(uow, other.appeal_id, EventType.INCIDENT_LINKED, now, SYSTEM_ACTOR, incident_id, [])
        reasons = list(matched.reasons)
        repo.add_member(incident_id, appeal_id, at=now, by=SYSTEM_ACTOR, score=matched.score, reasons=reasons)
        _event(uow, appeal_id, EventType.INCIDENT_LINKED, now, SYSTEM_ACTOR, incident_id, reasons)
        uow.commit()
    log.info("incident.linked", appeal_id=appeal_id, incident_id=incident_id, score=matched.score)
    return incident_id


def _best_candidate(repo: IncidentRepository, new: IncidentSignal) -> tuple[CandidateRow, Match] | None:
    """The open candidate the new appeal matches best. Only what the rule can possibly accept is read (`Reach`):
    reading and comparing every recent appeal of the municipality grew with the stream (docs/processes.md)."""
    reach = reach_of(new, RULE)
    if reach is None:
        return None
    candidates = repo.candidates(reach, since=new.created_at - RULE.window, exclude_appeal_id=new.appeal_id)
    # A problem already answered is not joined: a new report after the answer is news (the problem is back).
    live = repo.open_of({c.incident_id for c in candidates if c.incident_id is not None})
    open_candidates = [c for c in candidates if c.incident_id is None or c.incident_id in live]
    found = best_match(new, _signals(repo, open_candidates), RULE)
    if found is None:
        return None
    other_signal, matched = found
    return next(c for c in open_candidates if c.appeal_id == other_signal.appeal_id), matched


def list_incidents(
    ctx: ServiceContext, principal: Principal, *, status: IncidentStatus | None = None, limit: int = 100
) -> list[IncidentRow]:
    authorize(principal, Action.READ)
    with ctx.uow(readonly=True) as uow:
        return IncidentRepository(uow.session).list_visible(scope_of(principal), status=status, limit=limit)


def get_incident(ctx: ServiceContext, principal: Principal, incident_id: int) -> IncidentDetail:
    authorize(principal, Action.READ)
    scope = scope_of(principal)
    with ctx.uow(readonly=True) as uow:
        repo = IncidentRepository(uow.session)
        row = repo.get(incident_id, scope)
        if row is None:
            raise NotFound(f"incident {incident_id} does not exist")
        return IncidentDetail(row, repo.members(incident_id, scope))


def incident_of_appeal(ctx: ServiceContext, principal: Principal, appeal_id: int) -> IncidentDetail | None:
    """The incident an appeal belongs to, as the reader may see it (for the appeal page)."""
    with ctx.uow(readonly=True) as uow:
        incident_id = IncidentRepository(uow.session).incident_of(appeal_id)
    if incident_id is None:
        return None
    try:
        return get_incident(ctx, principal, incident_id)
    except NotFound:
        return None


def confirm(ctx: ServiceContext, principal: Principal, incident_id: int) -> IncidentDetail:
    scope = scope_of(principal)
    with ctx.uow() as uow:
        repo = IncidentRepository(uow.session)
        row = _visible(repo, incident_id, principal)
        authorize(principal, Action.REJECT)
        if row.status == IncidentStatus.CLOSED.value:
            raise Conflict(f"инцидент {incident_id} уже закрыт ответом")
        if row.status != IncidentStatus.CONFIRMED.value:
            now = ctx.clock.now()
            confirmed = {"status": IncidentStatus.CONFIRMED.value, "confirmed_by": principal.actor, "confirmed_at": now}
            repo.touch(incident_id, now, **confirmed)
            for appeal_id in repo.all_member_ids(incident_id):
                _event(uow, appeal_id, EventType.INCIDENT_CONFIRMED, now, principal.actor, incident_id, [])
            uow.commit()
        updated = repo.get(incident_id, scope)
        assert updated is not None
        return IncidentDetail(updated, repo.members(incident_id, scope))


def split(
    ctx: ServiceContext, principal: Principal, incident_id: int, appeal_ids: list[int], *, reason: str | None = None
) -> IncidentDetail | None:
    """Take appeals out of the incident; an incident left with one appeal is dissolved (None is returned)."""
    if not appeal_ids:
        raise InvalidInput("укажите обращения, которые выделить из инцидента (appeal_ids)")
    scope = scope_of(principal)
    with ctx.uow() as uow:
        repo = IncidentRepository(uow.session)
        row = _visible(repo, incident_id, principal)
        authorize(principal, Action.REJECT)
        if row.status == IncidentStatus.CLOSED.value:
            raise Conflict(f"инцидент {incident_id} уже закрыт ответом")
        members = set(repo.all_member_ids(incident_id))
        visible = {m.appeal_id for m in repo.members(incident_id, scope)}
        strangers = sorted(set(appeal_ids) - (members & visible))
        if strangers:
            raise InvalidInput(f"обращения {strangers} не входят в инцидент {incident_id}")
        now = ctx.clock.now()
        remaining = members - set(appeal_ids)
        leaving = set(appeal_ids) | (remaining if len(remaining) < 2 else set())
        repo.remove_members(incident_id, sorted(leaving))
        for appeal_id in sorted(leaving):
            _event(uow, appeal_id, EventType.INCIDENT_SPLIT, now, principal.actor, incident_id, [], reason=reason)
        dissolved = len(remaining) < 2
        repo.touch(incident_id, now, **({"status": IncidentStatus.DISSOLVED.value} if dissolved else {}))
        uow.commit()
        if dissolved:
            return None
        updated = repo.get(incident_id, scope)
        assert updated is not None
        return IncidentDetail(updated, repo.members(incident_id, scope))


def add_appeal(ctx: ServiceContext, principal: Principal, incident_id: int, appeal_id: int) -> IncidentDetail:
    """A moderator puts an appeal the machine missed into the incident (merge)."""
    scope = scope_of(principal)
    with ctx.uow() as uow:
        repo = IncidentRepository(uow.session)
        row = _visible(repo, incident_id, principal)
        authorize(principal, Action.REJECT)
        appeal = uow.appeals.get(appeal_id)
        if appeal is None or not scope.admits(appeal.municipality_id, appeal.agency_id, appeal.status):
            raise NotFound(f"appeal {appeal_id} does not exist")
        if row.status in (IncidentStatus.CLOSED.value, IncidentStatus.DISSOLVED.value):
            raise Conflict(f"инцидент {incident_id} закрыт")
        current = repo.incident_of(appeal_id)
        if current == incident_id:
            return IncidentDetail(row, repo.members(incident_id, scope))
        if current is not None:
            raise Conflict(f"обращение {appeal.number} уже в инциденте {current}: сначала выделите его оттуда")
        now = ctx.clock.now()
        repo.add_member(
            incident_id, appeal_id, at=now, by=principal.actor, score=None, reasons=["добавлено модератором"]
        )
        _event(uow, appeal_id, EventType.INCIDENT_LINKED, now, principal.actor, incident_id, ["добавлено модератором"])
        uow.commit()
        updated = repo.get(incident_id, scope)
        assert updated is not None
        return IncidentDetail(updated, repo.members(incident_id, scope))


def answer(ctx: ServiceContext, principal: Principal, incident_id: int, text: str) -> list[AnswerOutcome]:
    """One final answer for every open appeal of a confirmed incident that this person's body may answer."""
    authorize(principal, Action.WORK)
    if not text.strip():
        raise InvalidInput("окончательный ответ не может быть пустым")
    scope = scope_of(principal)
    with ctx.uow(readonly=True) as uow:
        repo = IncidentRepository(uow.session)
        row = _visible(repo, incident_id, principal)
        members = repo.members(incident_id, scope)
    if row.status != IncidentStatus.CONFIRMED.value:
        raise Conflict(f"инцидент {incident_id}: отвечать можно после подтверждения модератором (сейчас {row.status})")
    outcomes: list[AnswerOutcome] = []
    for member in members:
        if member.status in _DONE:
            outcomes.append(AnswerOutcome(member.appeal_id, member.number, "skipped", "уже отвечено или отклонено"))
            continue
        draft = submit_final_answer(ctx, principal, member.appeal_id, text)
        state = "review" if draft.review_required and not draft.reply_id else "published"
        outcomes.append(AnswerOutcome(member.appeal_id, member.number, state))
    close_if_answered(ctx, incident_id)
    return outcomes


def close_if_answered(ctx: ServiceContext, incident_id: int) -> bool:
    """Closed when every appeal of the incident has its final answer (also after a moderator approves a draft)."""
    with ctx.uow() as uow:
        repo = IncidentRepository(uow.session)
        row = repo.get(incident_id, scope_of(SYSTEM), lock=True)
        if row is None or row.status != IncidentStatus.CONFIRMED.value:
            return False
        statuses = [m.status for m in repo.members(incident_id, scope_of(SYSTEM))]
        if not statuses or any(s not in _DONE for s in statuses):
            return False
        now = ctx.clock.now()
        repo.touch(incident_id, now, status=IncidentStatus.CLOSED.value, closed_at=now)
        uow.commit()
    log.info("incident.closed", incident_id=incident_id)
    return True


def on_status_changed(ctx: ServiceContext, appeal_id: int) -> None:
    with ctx.uow(readonly=True) as uow:
        incident_id = IncidentRepository(uow.session).incident_of(appeal_id)
    if incident_id is not None:
        close_if_answered(ctx, incident_id)


def _visible(repo: IncidentRepository, incident_id: int, principal: Principal) -> IncidentRow:
    row = repo.get(incident_id, scope_of(principal))
    if row is None:
        raise NotFound(f"incident {incident_id} does not exist")
    return row


def _title(masked_text: str) -> str:
    text = " ".join(masked_text.split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def _event(
    uow: UnitOfWork,
    appeal_id: int,
    kind: EventType,
    at: datetime,
    actor: str,
    incident_id: int,
    reasons: list[str],
    *,
    reason: str | None = None,
) -> None:
    uow.appeals.add_event(
        AppealEvent(appeal_id, kind.value, at, actor, reason=reason, data={"incident_id": incident_id, "why": reasons})
    )
