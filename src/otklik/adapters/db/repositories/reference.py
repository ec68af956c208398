"""Reference data in the database: idempotent seeding that keeps users' edits, and the snapshot for the pipeline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.reference import (
    agencies,
    competence_rules,
    municipalities,
    settlements,
    topic_groups,
    topics,
)
from otklik.domain.agency import Agency, AgencyLevel
from otklik.domain.competence import CompetenceRule
from otklik.domain.geography import Municipality, Settlement
from otklik.domain.reference import ReferenceData
from otklik.domain.rubricator import Rubricator, Topic, TopicGroup


class ReferenceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- seeding -------------------------------------------------------------------------------------------
    def seed(self, data: ReferenceData) -> dict[str, int]:
        """Insert what is missing, refresh what nobody edited, leave edited rows alone. Returns counts."""
        counts = {
            "municipalities": self._upsert(
                municipalities, "id", [_municipality_row(m, data.boundaries.get(m.id)) for m in data.municipalities]
            ),
            "settlements": self._upsert(settlements, "id", [_settlement_row(s) for s in data.settlements]),
            "agencies": self._upsert(agencies, "id", [_agency_row(a) for a in data.agencies]),
        }
        counts["topics"] = self._seed_rubricator(data.rubricator)
        counts["competence_rules"] = self._seed_rules(data.competence_rules)
        return counts

    def _upsert(self, table: Table, key: str, rows: list[dict[str, Any]]) -> int:
        existing = {r[key]: r for r in self._session.execute(select(table)).mappings()}
        fresh = [row for row in rows if row[key] not in existing]
        if fresh:
            self._session.execute(insert(table), fresh)
        editable = "edited" in table.c
        for row in rows:
            old = existing.get(row[key])
            if old is None or (editable and old["edited"]):
                continue
            if any(old[c] != v for c, v in row.items()):
                self._session.execute(update(table).where(table.c[key] == row[key]).values(**row))
        return len(fresh)

    def _seed_rubricator(self, rubricator: Rubricator) -> int:
        added = 0
        for position, group in enumerate(rubricator.groups):
            group_row = (
                self._session.execute(select(topic_groups).where(topic_groups.c.name == group.name)).mappings().first()
            )
            if group_row is None:
                group_id = self._session.execute(
                    insert(topic_groups)
                    .values(name=group.name, active=group.active, position=position)
                    .returning(topic_groups.c.id)
                ).scalar_one()
            else:
                group_id = group_row["id"]
            existing = {
                r["name"] for r in self._session.execute(select(topics).where(topics.c.group_id == group_id)).mappings()
            }
            for index, topic in enumerate(group.topics):
                if topic.name in existing:
                    continue
                self._session.execute(
                    insert(topics).values(
                        group_id=group_id,
                        name=topic.name,
                        priority=topic.priority,
                        active=topic.active,
                        position=index,
                    )
                )
                added += 1
        return added

    def _seed_rules(self, rules: Iterable[CompetenceRule]) -> int:
        existing = {
            (r["group_name"], r["topic_name"], r["municipality_id"])
            for r in self._session.execute(select(competence_rules)).mappings()
        }
        fresh = [
            {
                "group_name": r.group,
                "topic_name": r.topic or "",
                "municipality_id": r.municipality_id or "",
                "agency_id": r.agency_id,
                "note": r.note,
            }
            for r in rules
            if (r.group, r.topic or "", r.municipality_id or "") not in existing
        ]
        if fresh:
            self._session.execute(insert(competence_rules), fresh)
        return len(fresh)

    def mark_edited(self, table: Table, key_value: Any, **values: Any) -> None:
        """A person's edit: applied and protected from later re-seeds."""
        key = next(iter(table.primary_key.columns))
        self._session.execute(update(table).where(key == key_value).values(edited=True, **values))

    # -- reading -------------------------------------------------------------------------------------------
    def is_seeded(self) -> bool:
        return self._session.execute(select(municipalities.c.id).limit(1)).first() is not None

    def list_municipalities(self) -> list[Municipality]:
        rows = self._session.execute(select(municipalities).order_by(municipalities.c.name)).mappings()
        return [_municipality(r) for r in rows]

    def list_agencies(self) -> list[Agency]:
        rows = self._session.execute(select(agencies).order_by(agencies.c.level.desc(), agencies.c.name)).mappings()
        return [_agency(r) for r in rows]

    def rubricator(self) -> Rubricator:
        groups = self._session.execute(select(topic_groups).order_by(topic_groups.c.position)).mappings().all()
        all_topics = self._session.execute(select(topics).order_by(topics.c.position)).mappings().all()
        by_group: dict[int, list[Topic]] = {}
        names = {g["id"]: g["name"] for g in groups}
        for t in all_topics:
            by_group.setdefault(t["group_id"], []).append(
                Topic(t["name"], names[t["group_id"]], t["priority"], t["active"])
            )
        return Rubricator(tuple(TopicGroup(g["name"], g["active"], tuple(by_group.get(g["id"], ()))) for g in groups))

    def snapshot(self, region_code: int) -> ReferenceData:
        """Everything the pipeline needs, read once; edits made in the system are part of it."""
        rules = tuple(
            CompetenceRule(
                r["group_name"], r["topic_name"] or None, r["municipality_id"] or None, r["agency_id"], r["note"]
            )
            for r in self._session.execute(select(competence_rules)).mappings()
        )
        munis = self._session.execute(select(municipalities)).mappings().all()
        return ReferenceData(
            region_code=region_code,
            municipalities=tuple(_municipality(r) for r in munis),
            settlements=tuple(_settlement(r) for r in self._session.execute(select(settlements)).mappings()),
            agencies=tuple(_agency(r) for r in self._session.execute(select(agencies)).mappings()),
            rubricator=self.rubricator(),
            competence_rules=rules,
            boundaries={r["id"]: r["boundary"] for r in munis if r["boundary"]},
        )


def _municipality_row(m: Municipality, boundary: Mapping[str, object] | None) -> dict[str, Any]:
    return {
        "id": m.id,
        "name": m.name,
        "official_name": m.official_name,
        "type": m.type,
        "oktmo": m.oktmo,
        "centre": m.centre,
        "lat": m.lat,
        "lon": m.lon,
        "boundary": dict(boundary) if boundary else None,
    }


def _settlement_row(s: Settlement) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "type": s.type,
        "municipality_id": s.municipality_id,
        "population": s.population,
        "lat": s.lat,
        "lon": s.lon,
    }


def _agency_row(a: Agency) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "level": a.level.value,
        "municipality_id": a.municipality_id,
        "competence": a.competence,
        "active": a.active,
    }


def _municipality(r: RowMapping) -> Municipality:
    return Municipality(r["id"], r["name"], r["official_name"], r["type"], r["oktmo"], r["centre"], r["lat"], r["lon"])


def _settlement(r: RowMapping) -> Settlement:
    return Settlement(r["id"], r["name"], r["type"], r["municipality_id"], r["population"], r["lat"], r["lon"])


def _agency(r: RowMapping) -> Agency:
    return Agency(r["id"], r["name"], AgencyLevel(r["level"]), r["municipality_id"], r["competence"], r["active"])
