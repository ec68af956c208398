"""What the understanding engine says of one text: the contract between pipeline stages and models."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.domain.agency import AgencyLevel
from otklik.domain.appeal_kind import Priority


@dataclass(frozen=True)
class Detection:
    """Is it an appeal, and is it toxic (flagged for moderators; the appeal is kept either way)."""

    is_appeal: bool
    appeal_score: float  # 0..1
    toxic: bool
    toxicity: float  # 0..1
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryGuess:
    group: str
    topic: str | None
    confidence: float  # calibrated 0..1
    reasons: tuple[str, ...] = ()
    # The group model's own answer, before a placement rule moved the message to a neighbouring group: its group,
    # probability and lead over the runner-up group (None when the answer is not the model's — a person's remembered
    # correction). A small lead is two neighbouring groups the model cannot tell apart.
    model_group: str | None = None
    group_probability: float | None = None
    group_margin: float | None = None


@dataclass(frozen=True)
class LocationGuess:
    municipality_id: str | None = None
    municipality: str | None = None  # the name as in municipalities.csv
    settlement_id: str | None = None
    settlement: str | None = None
    street: str | None = None
    house: str | None = None
    lat: float | None = None
    lon: float | None = None
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()
    # The message speaks of an intercity road («трасса Кострома — Шарья», «Р-243»): `road` names it (its number
    # or its ends), `between_settlements` says the place is on the road between towns, not in one of them.
    road: str | None = None
    between_settlements: bool = False
    # What the place rests on (`nlp.locator.EVIDENCE`: «name», «ambiguous_name», «street_only»…) and, for a name
    # several settlements share, the ones not chosen («д. Митино (Нерехтский)»), for the moderator to see.
    evidence: str | None = None
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoutingDecision:
    agency_id: str
    agency_name: str
    level: AgencyLevel
    municipality: str | None  # name of the municipality the body serves
    confidence: float
    source: str  # "matrix", "learned", "matrix+learned"
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriorityGuess:
    priority: Priority
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonalDataSpan:
    kind: str  # phone, email, name, passport, snils, ...
    start: int
    end: int
