"""Incidents and their members (tables/incidents.py); the scope of a person is the scope of the member appeals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.appeals import visible_in
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.incidents import incident_members, incident_signals, incidents
from otklik.adapters.db.tables.reference import settlements
from otklik.domain.access import AppealScope
from otklik.domain.incidents import IncidentStatus, Reach
from otklik.domain.status import AppealStatus

MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class IncidentRow:
    id: int
    status: str
    municipality_id: str | None
    group: str | None
    topic: str | None
    title: str
    created_at: datetime
    updated_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    closed_at: datetime | None
    members: int = 0


@dataclass(frozen=True)
class MemberRow:
    appeal_id: int
    number: str
    channel: str
    status: str
    agency_id: str | None
    created_at: datetime
    text_masked: str
    added_by: str
    score: float | None
    reasons: list[str]


@dataclass(frozen=True)
class CandidateRow:
    """An appeal the matcher may group a new one with (columns of appeals, its settlement's population, its
    incident if any, and its stored signal parts: `lemmas` is None while none are stored, see `texts`)."""

    appeal_id: int
    created_at: datetime
    municipality_id: str | None
    group: str | None
    topic: str | None
    settlement_id: str | None
    settlement_population: int | None
    lat: float | None
    lon: float | None
    incident_id: int | None
    street: str | None
    house: str | None
    lemmas: str | None


def _candidate_select() -> Select[Any]:
    """An appeal as the matcher sees it, without its text (read only where no signal is stored)."""
    return select(
        appeals.c.id,
        appeals.c.created_at,
        appeals.c.municipality_id,
        appeals.c.group,
        appeals.c.topic,
        appeals.c.settlement_id,
        settlements.c.population,
        appeals.c.lat,
        appeals.c.lon,
        incident_members.c.incident_id,
        incident_signals.c.street,
        incident_signals.c.house,
        incident_signals.c.lemmas,
    ).select_from(
        appeals.outerjoin(settlements, settlements.c.id == appeals.c.settlement_id)
        .outerjoin(incident_members, incident_members.c.appeal_id == appeals.c.id)
        .outerjoin(incident_signals, incident_signals.c.appeal_id == appeals.c.id)
    )


def _within(reach: Reach) -> ColumnElement[bool]:
    """`reach.admits` in SQL, plus every appeal whose signal is not stored yet (its street is not known here)."""
    conditions: list[ColumnElement[bool]] = [incident_signals.c.appeal_id.is_(None)]
    if reach.group is not None:
        same_group = appeals.c.group == reach.group
        if reach.city is not None:  # not the city's other streets (NULL-safe: an unknown settlement may match)
            same_group &= or_(
                appeals.c.settlement_id.is_(None),
                appeals.c.settlement_id != reach.city,
                incident_signals.c.street.is_(None),
            )
        conditions.append(same_group)
    if reach.street is not None:
        conditions.append(incident_signals.c.street == reach.street)
    if reach.settlement_id is not None:
        conditions.append(appeals.c.settlement_id == reach.settlement_id)
    if reach.box is not None:
        lat_min, lat_max, lon_min, lon_max = reach.box
        conditions.append(appeals.c.lat.between(lat_min, lat_max) & appeals.c.lon.between(lon_min, lon_max))
    return or_(*conditions)


class IncidentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def candidates(
        self, reach: Reach, *, since: datetime, exclude_appeal_id: int, limit: int = 500
    ) -> list[CandidateRow]:
        """Recent appeals the rule may match (`reach`) that are still a live problem (not rejected), newest first."""
        query = (
            _candidate_select()
            .where(
                appeals.c.municipality_id == reach.municipality_id,
                appeals.c.created_at >= since,
                appeals.c.id != exclude_appeal_id,
                appeals.c.status != AppealStatus.REJECTED.value,
                _within(reach),
            )
            .order_by(appeals.c.created_at.desc())
            .limit(limit)
        )
        # fetchall, not a row at a time: up to 500 rows for every appeal linked.
        return [CandidateRow(*row) for row in self._session.execute(query).all()]

    def texts(self, appeal_ids: list[int]) -> dict[int, tuple[str | None, str]]:
        """The address and masked text of these appeals, by id: what a signal is derived from."""
        if not appeal_ids:
            return {}
        query = select(appeals.c.id, appeals.c.address, appeals.c.text_masked).where(appeals.c.id.in_(appeal_ids))
        return {int(row.id): (row.address, row.text_masked) for row in self._session.execute(query)}

    def store_signal(self, appeal_id: int, *, street: str | None, house: str | None, lemmas: frozenset[str]) -> None:
        """Once per appeal (the primary key: a second linking run of the same appeal fails and retries)."""
        self._session.execute(
            insert(incident_signals).values(
                appeal_id=appeal_id, street=street, house=house, lemmas=" ".join(sorted(lemmas))
            )
        )

    def open_of(self, incident_ids: set[int]) -> set[int]:
        """Of these incidents, those that exist and are not closed: one query for all of a link's candidates."""
        if not incident_ids:
            return set()
        query = select(incidents.c.id).where(
            incidents.c.id.in_(sorted(incident_ids)), incidents.c.status != IncidentStatus.CLOSED.value
        )
        return {int(incident_id) for incident_id in self._session.execute(query).scalars()}

    def appeal_candidate(self, appeal_id: int) -> CandidateRow | None:
        found = self.appeal_to_link(appeal_id)
        return found[0] if found else None

    def appeal_to_link(self, appeal_id: int) -> tuple[CandidateRow, tuple[str | None, str]] | None:
        """The appeal as a candidate, with its address and masked text (one read where its signal is derived)."""
        query = (
            _candidate_select().add_columns(appeals.c.address, appeals.c.text_masked).where(appeals.c.id == appeal_id)
        )
        row = self._session.execute(query).first()
        if row is None:
            return None
        *columns, address, text_masked = tuple(row)
        return CandidateRow(*columns), (address, text_masked)

    def create(
        self, *, municipality_id: str | None, group: str | None, topic: str | None, title: str, at: datetime
    ) -> int:
        result = self._session.execute(
            insert(incidents)
            .returning(incidents.c.id)
            .values(
                status=IncidentStatus.PROPOSED.value,
                municipality_id=municipality_id,
                group=group,
                topic=topic,
                title=title,
                created_at=at,
                updated_at=at,
            )
        )
        return int(result.scalar_one())

    def add_member(
        self, incident_id: int, appeal_id: int, *, at: datetime, by: str, score: float | None, reasons: list[str]
    ) -> None:
        self._session.execute(
            insert(incident_members).values(
                incident_id=incident_id, appeal_id=appeal_id, added_at=at, added_by=by, score=score, reasons=reasons
            )
        )
        self.touch(incident_id, at)

    def remove_members(self, incident_id: int, appeal_ids: list[int]) -> int:
        result = self._session.execute(
            incident_members.delete().where(
                incident_members.c.incident_id == incident_id, incident_members.c.appeal_id.in_(appeal_ids)
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def touch(self, incident_id: int, at: datetime, **values: Any) -> None:
        self._session.execute(update(incidents).where(incidents.c.id == incident_id).values(updated_at=at, **values))

    def get(self, incident_id: int, scope: AppealScope, *, lock: bool = False) -> IncidentRow | None:
        """The incident if at least one of its appeals is in the scope (else it does not exist for the reader)."""
        if not 1 <= incident_id <= MAX_ID:
            return None
        rows = self._listed(scope, incidents.c.id == incident_id, lock=lock)
        return rows[0] if rows else None

    def list_visible(
        self, scope: AppealScope, *, status: IncidentStatus | None = None, limit: int = 100
    ) -> list[IncidentRow]:
        condition = incidents.c.status == status.value if status else None
        return self._listed(scope, condition, limit=limit)

    def _listed(self, scope: AppealScope, condition: Any, *, limit: int = 100, lock: bool = False) -> list[IncidentRow]:
        visible = (
            select(incident_members.c.incident_id, func.count().label("members"))
            .join(appeals, appeals.c.id == incident_members.c.appeal_id)
            .where(visible_in(scope))
            .group_by(incident_members.c.incident_id)
            .subquery()
        )
        query = (
            select(*incidents.c, visible.c.members)
            .join(visible, visible.c.incident_id == incidents.c.id)
            .order_by(incidents.c.updated_at.desc())
            .limit(limit)
        )
        if condition is not None:
            query = query.where(condition)
        if lock:
            query = query.with_for_update(of=incidents)
        return [IncidentRow(*tuple(row)) for row in self._session.execute(query)]

    def members(self, incident_id: int, scope: AppealScope) -> list[MemberRow]:
        query = (
            select(
                appeals.c.id,
                appeals.c.number,
                appeals.c.channel,
                appeals.c.status,
                appeals.c.agency_id,
                appeals.c.created_at,
                appeals.c.text_masked,
                incident_members.c.added_by,
                incident_members.c.score,
                incident_members.c.reasons,
            )
            .join(appeals, appeals.c.id == incident_members.c.appeal_id)
            .where(and_(incident_members.c.incident_id == incident_id, visible_in(scope)))
            .order_by(appeals.c.created_at)
        )
        return [MemberRow(*tuple(row)) for row in self._session.execute(query)]

    def all_member_ids(self, incident_id: int) -> list[int]:
        query = select(incident_members.c.appeal_id).where(incident_members.c.incident_id == incident_id)
        return [int(v) for v in self._session.scalars(query)]

    def incident_of(self, appeal_id: int) -> int | None:
        query = select(incident_members.c.incident_id).where(incident_members.c.appeal_id == appeal_id)
        value = self._session.scalar(query)
        return int(value) if value is not None else None
