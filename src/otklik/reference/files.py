"""Reads the reference data shipped in otklik/data into a ReferenceData snapshot (no database)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from otklik.domain.agency import Agency, AgencyLevel
from otklik.domain.appeal_kind import AppealKind
from otklik.domain.calendar import WorkingHours
from otklik.domain.competence import CompetenceRule
from otklik.domain.deadlines import DeadlinePolicy, Span, Unit
from otklik.domain.geography import Municipality, Settlement
from otklik.domain.reference import ReferenceData
from otklik.domain.rubricator import Rubricator, Topic, TopicGroup, split_priority_mark

REGION_CODE = 44  # Kostroma Oblast
# Outdated or special groups of the source rubricator, kept for history but not offered (see SOURCE.md).
INACTIVE_GROUPS = frozenset({"Коронавирус", "Мобилизация", "Спецпроекты"})


def data_dir() -> Path:
    return Path(str(resources.files("otklik") / "data"))


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


def load_municipalities(root: Path) -> tuple[Municipality, ...]:
    return tuple(
        Municipality(
            id=row["oktmo"],
            name=row["name"],
            official_name=row["official_name_2021"],
            type=row["type_2021"],
            oktmo=row["oktmo"],
            centre=row["centre"],
            lat=_float(row["lat"]),
            lon=_float(row["lon"]),
        )
        for row in _rows(root / "kostroma" / "municipalities.csv")
    )


def load_settlements(root: Path, municipalities: tuple[Municipality, ...]) -> tuple[Settlement, ...]:
    by_name = {m.name: m.id for m in municipalities}
    settlements = []
    seen: set[str] = set()
    for row in _rows(root / "kostroma" / "settlements.csv"):
        municipality_id = by_name[row["municipality"]]
        settlement_id = _settlement_id(row, municipality_id, seen)
        population = row["population"].strip()
        settlements.append(
            Settlement(
                id=settlement_id,
                name=row["name"],
                type=row["type"],
                municipality_id=municipality_id,
                population=int(float(population)) if population else None,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
        )
    return tuple(settlements)


def _settlement_id(row: dict[str, str], municipality_id: str, seen: set[str]) -> str:
    """OKTMO codes of the source repeat (several villages share one), so the name joins the key."""
    oktmo = row["oktmo"].strip()
    base = f"{oktmo if len(oktmo) == 11 and oktmo.isdigit() else municipality_id}:{row['name']}"
    key, suffix = base, 1
    while key in seen:
        suffix += 1
        key = f"{base}#{suffix}"
    seen.add(key)
    return key


def load_agencies(root: Path) -> tuple[Agency, ...]:
    agencies = []
    for name in ("agencies.csv", "municipal_administrations.csv"):
        for row in _rows(root / name):
            agencies.append(
                Agency(
                    id=row["id"],
                    name=row["name"],
                    level=AgencyLevel(row["level"]),
                    municipality_id=row["municipality_id"] or None,
                    competence=row["competence"],
                )
            )
    return tuple(agencies)


def load_rubricator(root: Path) -> Rubricator:
    raw: dict[str, str] = json.loads((root / "rubricator" / "topics.json").read_text(encoding="utf-8"))
    groups: dict[str, list[Topic]] = {}
    for raw_topic, group in raw.items():
        name, priority = split_priority_mark(raw_topic)
        groups.setdefault(group, []).append(
            Topic(name=name, group=group, priority=priority, active=group not in INACTIVE_GROUPS)
        )
    return Rubricator(
        tuple(TopicGroup(name=g, active=g not in INACTIVE_GROUPS, topics=tuple(topics)) for g, topics in groups.items())
    )


def load_competence_rules(root: Path) -> tuple[CompetenceRule, ...]:
    return tuple(
        CompetenceRule(
            group=row["group"],
            topic=row["topic"] or None,
            municipality_id=row["municipality_id"] or None,
            agency_id=row["agency_id"],
            note=row["note"],
        )
        for row in _rows(root / "competence.csv")
    )


def load_boundaries(root: Path, municipalities: tuple[Municipality, ...]) -> dict[str, dict[str, object]]:
    by_name = {m.name: m.id for m in municipalities}
    collection = json.loads((root / "kostroma" / "municipalities.geojson").read_text(encoding="utf-8"))
    return {by_name[f["properties"]["name"]]: f["geometry"] for f in collection["features"]}


@lru_cache(maxsize=2)
def load_reference(root: Path | None = None) -> ReferenceData:
    """The whole snapshot from the shipped files; cached because it is immutable and ~1 s to parse."""
    root = root or data_dir()
    municipalities = load_municipalities(root)
    return ReferenceData(
        region_code=REGION_CODE,
        municipalities=municipalities,
        settlements=load_settlements(root, municipalities),
        agencies=load_agencies(root),
        rubricator=load_rubricator(root),
        competence_rules=load_competence_rules(root),
        boundaries=load_boundaries(root, municipalities),
    )


def _span(raw: list[Any] | None) -> Span | None:
    return Span(float(raw[0]), cast(Unit, raw[1])) if raw else None


def load_deadline_policies(root: Path | None = None) -> dict[AppealKind, DeadlinePolicy]:
    """Deadline rules per appeal kind from data/deadlines.json (editable data, not code)."""
    raw = json.loads(((root or data_dir()) / "deadlines.json").read_text(encoding="utf-8"))
    policies = {}
    for kind, rule in raw["policies"].items():
        final = _span(rule["final"])
        if final is None:
            raise ValueError(f"deadlines.json: {kind} has no final deadline")
        policies[AppealKind(kind)] = DeadlinePolicy(
            AppealKind(kind), _span(rule["first_response"]), _span(rule["first_response_urgent"]), final, rule["source"]
        )
    return policies


def load_working_hours(root: Path | None = None) -> WorkingHours:
    raw = json.loads(((root or data_dir()) / "deadlines.json").read_text(encoding="utf-8"))["working_hours"]
    return WorkingHours(*(time.fromisoformat(raw[k]) for k in ("start", "end", "lunch_start", "lunch_end")))
