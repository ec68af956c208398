"""Importing appeals from the past (an «Инцидент Менеджмент» archive) as they were (docs/im-history.md).

No understanding pipeline (the center judged these long ago), no acknowledgement to anyone, no outbox event:
each row becomes a message, an appeal numbered in our scheme for the year it was created, its events (marked
`imported`, dated as in the archive) and its answers. Only personal data is masked, as in every appeal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from otklik.domain.agency import Agency, AgencyLevel
from otklik.domain.analytics import refresh_durations
from otklik.domain.appeal import Appeal
from otklik.domain.appeal_kind import Priority
from otklik.domain.channels import Channel, default_kind
from otklik.domain.citizen import Citizen
from otklik.domain.deadlines import compute_deadlines
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.geography import Municipality, Settlement
from otklik.domain.history import IMPORT_ACTOR, HistoricalAppeal, Outcome, name_key, outcome_of
from otklik.domain.message import Author, InboundMessage, MessageOutcome
from otklik.domain.replies import Reply, ReplyKind
from otklik.domain.rubricator import Topic, TopicGroup
from otklik.domain.status import AppealStatus
from otklik.services.context import ServiceContext
from otklik.services.messages import validate_message
from otklik.services.unit_of_work import UnitOfWork

# Words of a place's type that archives add or leave out: «Шарьинский район» is «Шарьинский».
_PLACE_WORDS = frozenset(
    {"городской", "округ", "город", "г", "муниципальный", "район", "поселение", "сельское", "городское"}
    | {"пгт", "с", "д", "п", "село", "деревня", "поселок"}
)
IMPORTED = {"imported": True, "source": "im"}


@dataclass(frozen=True)
class Unmapped:
    """A name in the archive with no counterpart in our reference data (reported, never silently dropped)."""

    what: str  # «группа», «тема», «муниципалитет», «населённый пункт», «исполнитель», «итог»
    name: str


@dataclass(frozen=True)
class HistoryResult:
    number: str | None  # None: the row was imported before (same incident id)
    unmapped: tuple[Unmapped, ...] = ()

    @property
    def duplicate(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class _Category:
    group: str | None
    topic: str | None
    priority: bool


class HistoryImporter:
    """Names of the archive mapped onto the reference data once, then one transaction per row."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        reference = ctx.reference
        self._groups = {name_key(g.name): g for g in reference.rubricator.groups}
        self._topics = _topics_by_key(reference.rubricator.groups)
        self._municipalities = _municipalities_by_key(reference.municipalities)
        self._settlements = _settlements_by_key(reference.settlements)
        self._agencies = {name_key(a.name): a for a in reference.agencies}
        self._administrations = {
            a.municipality_id: a for a in reference.agencies if a.level is AgencyLevel.MUNICIPAL and a.municipality_id
        }

    def add(self, row: HistoricalAppeal) -> HistoryResult:
        message = _message(row)
        validate_message(self._ctx, message)
        notes: list[Unmapped] = []
        category = self._category(row, notes)
        municipality, settlement = self._place(row, notes)
        agency = self._agency(row, municipality, notes)
        outcome = outcome_of(row)
        if not outcome.known:
            notes.append(Unmapped("итог", row.outcome or ""))
        with self._ctx.uow() as uow:
            if uow.messages.get_by_key(Channel.IM_IMPORT, row.external_id) is not None:
                return HistoryResult(None)
            message_id = uow.messages.add(message, received_at=self._ctx.clock.now())
            appeal = self._appeal(uow, row, message_id, category, municipality, settlement, agency)
            self._history(uow, appeal, row, outcome, message_id)
            reason = f"импорт истории «Инцидент Менеджмент» как обращение № {appeal.number}"
            uow.messages.record_outcome(
                message_id, MessageOutcome.REGISTERED, at=self._ctx.clock.now(), reason=reason, appeal_id=appeal.id
            )
            uow.commit()
            return HistoryResult(appeal.number, tuple(notes))

    def _category(self, row: HistoricalAppeal, notes: list[Unmapped]) -> _Category:
        group = self._groups.get(name_key(row.group)) if row.group else None
        if row.group and group is None:
            notes.append(Unmapped("группа", row.group))
        topic: Topic | None = None
        if row.topic:
            candidates = self._topics.get(name_key(row.topic), ())
            topic = next((t for t in candidates if group is None or t.group == group.name), None)
            if topic is None:
                notes.append(Unmapped("тема", row.topic))
        group_name = topic.group if topic is not None else (group.name if group is not None else None)
        return _Category(group_name, topic.name if topic else None, bool(topic and topic.priority))

    def _place(self, row: HistoricalAppeal, notes: list[Unmapped]) -> tuple[Municipality | None, Settlement | None]:
        municipality = self._municipalities.get(_place_key(row.municipality)) if row.municipality else None
        if row.municipality and municipality is None:
            notes.append(Unmapped("муниципалитет", row.municipality))
        settlement: Settlement | None = None
        if row.settlement:
            found = self._settlements.get(_place_key(row.settlement), ())
            inside = [s for s in found if municipality is None or s.municipality_id == municipality.id]
            settlement = inside[0] if len(inside) == 1 else None  # an ambiguous name is not guessed
            if settlement is None:
                notes.append(Unmapped("населённый пункт", row.settlement))
        if municipality is None and settlement is not None:
            municipality = self._ctx.reference.municipality(settlement.municipality_id)
        return municipality, settlement

    def _agency(self, row: HistoricalAppeal, municipality: Municipality | None, notes: list[Unmapped]) -> Agency | None:
        """«Исполнитель» by the body's name, or by a municipality's name (archives name the municipality for its
        administration: «Город Пермь»)."""
        if not row.executor:
            return self._administrations.get(municipality.id) if municipality else None
        agency = self._agencies.get(name_key(row.executor))
        if agency is None:
            named = self._municipalities.get(_place_key(row.executor))
            agency = self._administrations.get(named.id) if named else None
        if agency is None:
            notes.append(Unmapped("исполнитель", row.executor))
        return agency

    def _appeal(
        self,
        uow: UnitOfWork,
        row: HistoricalAppeal,
        message_id: int,
        category: _Category,
        municipality: Municipality | None,
        settlement: Settlement | None,
        agency: Agency | None,
    ) -> Appeal:
        ctx = self._ctx
        kind = default_kind(Channel.IM_IMPORT, identified_citizen=False)
        priority = Priority.HIGH if category.priority else Priority.NORMAL
        deadlines = compute_deadlines(ctx.policies[kind], row.created_at, priority, ctx.calendar)
        normalized = ctx.understanding.normalizer.normalize(row.text)
        number = uow.appeals.next_number(ctx.settings.region_code, row.created_at.year)
        citizen = _citizen(uow, row)
        lat = settlement.lat if settlement else (municipality.lat if municipality else None)
        lon = settlement.lon if settlement else (municipality.lon if municipality else None)
        return uow.appeals.add(
            Appeal(
                number=str(number),
                kind=kind.value,
                status=AppealStatus.NEW.value,
                channel=Channel.IM_IMPORT.value,
                message_id=message_id,
                text=normalized.text,
                text_masked=normalized.masked,
                created_at=row.created_at,
                citizen_id=citizen.id if citizen else None,
                group=category.group,
                topic=category.topic,
                municipality_id=municipality.id if municipality else None,
                settlement_id=settlement.id if settlement else None,
                address=row.address,
                lat=lat,
                lon=lon,
                priority=priority.value,
                explanation=[f"импорт истории «Инцидент Менеджмент», инцидент {row.incident_id or row.external_id}"],
                first_response_due_at=deadlines.first_response_due_at,
                due_at=deadlines.due_at,
                agency_id=agency.id if agency else None,
            )
        )

    def _history(
        self, uow: UnitOfWork, appeal: Appeal, row: HistoricalAppeal, outcome: Outcome, message_id: int
    ) -> None:
        """The appeal's life as the archive tells it, each step an event dated when it happened. The archive is
        the record of what was done, so its steps are taken as they are (the live state machine is for people's
        actions now): a row closed by a body our reference does not know goes from moderation to closed."""
        assert appeal.id is not None
        data = {**IMPORTED, "incident_id": row.incident_id, "message_id": message_id}
        registered = AppealEvent(
            appeal.id, EventType.REGISTERED.value, row.created_at, IMPORT_ACTOR, None, AppealStatus.NEW.value, data=data
        )
        uow.appeals.add_event(registered)
        first = AppealStatus.ASSIGNED if appeal.agency_id else AppealStatus.NEEDS_MODERATION
        _move(uow, appeal, first, row.created_at)
        closing = outcome.status is AppealStatus.CLOSED
        for index, answer in enumerate(row.answers):
            final = closing and index == len(row.answers) - 1
            kind = ReplyKind.FINAL if final else ReplyKind.INTERIM
            author = row.executor or IMPORT_ACTOR
            uow.appeals.add_reply(Reply(appeal.id, kind.value, answer.text, author, appeal.agency_id, answer.at))
            reply_data = {**IMPORTED, "kind": kind.value}
            uow.appeals.add_event(
                AppealEvent(appeal.id, EventType.REPLY_ADDED.value, answer.at, IMPORT_ACTOR, data=reply_data)
            )
        if row.answers:
            appeal.answered_at = row.answers[0].at
        if outcome.status is AppealStatus.REJECTED:
            appeal.reject_reason = outcome.reject_reason.value if outcome.reject_reason else None
            _move(uow, appeal, AppealStatus.REJECTED, row.ended_at or row.created_at, final=True)
        elif closing:
            resolved_at = row.answers[-1].at if row.answers else (row.ended_at or row.created_at)
            appeal.resolved_at = resolved_at
            _move(uow, appeal, AppealStatus.RESOLVED, resolved_at)
            appeal.closed_at = max(row.ended_at or resolved_at, resolved_at)
            _move(uow, appeal, AppealStatus.CLOSED, appeal.closed_at, final=True)
        elif outcome.status is AppealStatus.ANSWERED:
            _move(uow, appeal, AppealStatus.ANSWERED, row.answers[0].at)
        # The dashboard's stored measures, as for a live appeal: the past is counted as the past it is.
        appeal.routed_by_machine = False if appeal.agency_id else None  # the center's people routed it in IM
        refresh_durations(appeal, self._ctx.calendar)


def _move(uow: UnitOfWork, appeal: Appeal, target: AppealStatus, at: datetime, *, final: bool = False) -> None:
    assert appeal.id is not None
    data: dict[str, Any] = dict(IMPORTED)
    if target is AppealStatus.ASSIGNED:
        data["to_agency_id"] = appeal.agency_id
    if appeal.reject_reason:
        data["reject_reason"] = appeal.reject_reason
    reason = "итог по архиву «Инцидент Менеджмент»" if final else "по архиву «Инцидент Менеджмент»"
    event = AppealEvent(
        appeal.id, EventType.STATUS_CHANGED.value, at, IMPORT_ACTOR, appeal.status, target.value, reason, data
    )
    appeal.status = target.value
    uow.appeals.add_event(event)


def _message(row: HistoricalAppeal) -> InboundMessage:
    context: dict[str, Any] = {"raw": row.raw, "history": True}
    if row.incident_id:
        context["incident_id"] = row.incident_id
    return InboundMessage(
        channel=Channel.IM_IMPORT,
        external_id=row.external_id,
        text=row.text,
        created_at=row.created_at,
        author=Author(profile_url=row.author_url),
        url=row.post_url,
        context=context,
    )


def _citizen(uow: UnitOfWork, row: HistoricalAppeal) -> Citizen | None:
    """The author's page («URL автора») identifies the person in the channel; it is personal data, kept with the
    citizen (read through the recorded contacts view), not in the appeal."""
    if not row.author_url:
        return None
    return uow.appeals.find_or_add_citizen(
        Citizen(None, channel=Channel.IM_IMPORT.value, channel_user_id=row.author_url)
    )


def _place_key(name: str | None) -> str:
    return " ".join(word for word in name_key(name or "").split() if word not in _PLACE_WORDS)


def _topics_by_key(groups: Iterable[TopicGroup]) -> dict[str, tuple[Topic, ...]]:
    found: dict[str, tuple[Topic, ...]] = {}
    for group in groups:
        for topic in group.topics:
            key = name_key(topic.name)
            found[key] = (*found.get(key, ()), topic)
    return found


def _municipalities_by_key(municipalities: Iterable[Municipality]) -> dict[str, Municipality]:
    found: dict[str, Municipality] = {}
    for municipality in municipalities:
        for name in (municipality.official_name, municipality.name):
            found[_place_key(name)] = municipality
    return found


def _settlements_by_key(settlements: Iterable[Settlement]) -> dict[str, tuple[Settlement, ...]]:
    found: dict[str, tuple[Settlement, ...]] = {}
    for settlement in settlements:
        key = _place_key(settlement.name)
        found[key] = (*found.get(key, ()), settlement)
    return found
