"""One incident from many channels: appeals about the same problem in the same place and time window.

The same burst pipe is reported on VK, by phone and on the portal; the center wants one problem with many
reporters, answered once. The machine proposes the grouping, a moderator confirms or splits it, and one answer
reaches every reporter in their own channel (services/incidents.py).

The rule is a score over three kinds of evidence, each of which people in different channels share even when their
words do not: the place (the same house, street or point; a small village counts as a place, a big town does not),
the rubric (the same topic, or at least the same group; different groups only at the very same place with the same
words, since the classifier may file one burst pipe under two groups), and the words (Jaccard similarity of
content lemmas, place names left out). Time bounds the search: only appeals of the last `window` are candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class IncidentStatus(StrEnum):
    PROPOSED = "proposed"  # grouped by the machine, not yet seen by a person
    CONFIRMED = "confirmed"  # a moderator agreed: one problem
    CLOSED = "closed"  # answered: the final answer went to every reporter
    DISSOLVED = "dissolved"  # split until one appeal was left: no longer an incident (kept, never deleted)


@dataclass(frozen=True)
class IncidentSignal:
    """What the matcher knows of one appeal (no personal data: the masked text's lemmas only)."""

    appeal_id: int
    created_at: datetime
    municipality_id: str | None
    group: str | None
    topic: str | None = None
    settlement_id: str | None = None
    settlement_population: int | None = None
    street: str | None = None  # normalised street name, lower case
    house: str | None = None
    lat: float | None = None
    lon: float | None = None
    lemmas: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class MatchRule:
    """The thresholds of grouping; the bench (bench/bench_incidents.py) chose the defaults."""

    window: timedelta = timedelta(hours=72)
    threshold: float = 0.65
    near_metres: float = 30.0  # two points this close are one place (one house: geocoders give it one point)
    small_settlement: int = 5_000  # a village or small town named alone is a place; a city is not
    place_weight: float = 0.4
    rubric_weight: float = 0.2
    words_weight: float = 0.4
    words_saturation: float = 0.4  # this share of content words in common counts as full agreement
    cross_group_place: float = 0.6  # across groups only at the same street (no other house) or point …
    cross_group_words: float = 0.25  # … and with this share of content words in common


@dataclass(frozen=True)
class Match:
    score: float
    reasons: tuple[str, ...]


def place_evidence(a: IncidentSignal, b: IncidentSignal, rule: MatchRule) -> tuple[float, str | None]:
    """1 for the same house or a point within `near_metres`; less for the same street or a small settlement."""
    if a.municipality_id is None or a.municipality_id != b.municipality_id:
        return 0.0, None
    if a.street and a.street == b.street:
        if a.house and a.house == b.house:
            return 1.0, f"тот же дом: {a.street}, {a.house}"
        if a.house and b.house:
            return 0.0, None  # other houses of one street: other problems (a point may still bring them together)
        return 0.6, f"та же улица: {a.street}"
    if None not in (a.lat, a.lon, b.lat, b.lon):
        metres = distance_metres(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        if metres <= rule.near_metres:
            return 1.0, f"точки в {metres:.0f} м"
        if metres <= 3 * rule.near_metres:
            return 0.5, f"точки в {metres:.0f} м"
    if a.settlement_id and a.settlement_id == b.settlement_id:
        small = (a.settlement_population or 0) < rule.small_settlement
        if small:
            return 0.8, "тот же населённый пункт"
        if not (a.street and b.street):  # a city without a street on one side: weak, the words must carry it
            return 0.15, "тот же город, улица не названа"
        return 0.0, None  # different streets of one city
    return 0.2, "тот же муниципалитет"


def rubric_evidence(a: IncidentSignal, b: IncidentSignal) -> tuple[float, str | None]:
    if not a.group or a.group != b.group:
        return 0.0, None
    if a.topic and a.topic == b.topic:
        return 1.0, f"та же тема: {a.topic}"
    return 0.6, f"та же группа: {a.group}"


def words_evidence(a: IncidentSignal, b: IncidentSignal) -> float:
    if not a.lemmas or not b.lemmas:
        return 0.0
    return len(a.lemmas & b.lemmas) / len(a.lemmas | b.lemmas)


def match(a: IncidentSignal, b: IncidentSignal, rule: MatchRule = MatchRule()) -> Match | None:
    """The two appeals are one problem, with the reasons; None when they are not (or too far apart in time)."""
    if a.appeal_id == b.appeal_id or abs(a.created_at - b.created_at) > rule.window:
        return None
    place, place_reason = place_evidence(a, b, rule)
    if place == 0.0:
        return None
    rubric, rubric_reason = rubric_evidence(a, b)
    words = words_evidence(a, b)
    # Different groups are different problems — unless the place is the same house or point and the words agree:
    # the classifier may file a burst pipe flooding the road under «Дороги» for one reporter and «ЖКХ» for another.
    if rubric == 0.0 and (place < rule.cross_group_place or words < rule.cross_group_words):
        return None
    agreement = min(1.0, words / rule.words_saturation)
    score = rule.place_weight * place + rule.rubric_weight * rubric + rule.words_weight * agreement
    if score < rule.threshold:
        return None
    reasons = (*(r for r in (place_reason, rubric_reason) if r), f"общих слов {words:.0%}")
    return Match(round(score, 3), reasons)


def best_match(
    new: IncidentSignal, candidates: list[IncidentSignal], rule: MatchRule = MatchRule()
) -> tuple[IncidentSignal, Match] | None:
    """The candidate the new appeal matches best, if any does."""
    scored = [(c, m) for c in candidates if (m := match(new, c, rule)) is not None]
    if not scored:
        return None
    return max(scored, key=lambda pair: (pair[1].score, pair[0].created_at))


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); plenty for «the same place» at city scale."""
    radius = 6_371_000.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))
