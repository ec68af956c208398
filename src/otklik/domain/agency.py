"""Agencies: the bodies competent to solve appeals, regional or municipal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AgencyLevel(StrEnum):
    REGIONAL = "regional"  # a regional executive body (ОИВ)
    MUNICIPAL = "municipal"  # a local government (ОМСУ)
    OTHER = "other"  # federal bodies, companies (ресурсоснабжающие), the center itself


@dataclass(frozen=True)
class Agency:
    id: str  # a stable code, e.g. "health" or "adm-34701000"
    name: str
    level: AgencyLevel
    municipality_id: str | None  # the municipality a municipal body serves
    competence: str = ""  # what it handles, for people and for the explanation of a route
    active: bool = True
