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
    if rule.place_weight + rule.rubric_weight < rule.threshold and a.lemmas.isdisjoint(b.lemmas):
        return None  # no word in common: even the same house and topic stay below the threshold (and it is cheap)
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


METRES_PER_DEGREE = 111_195.0  # of latitude, on the haversine's sphere (distance_metres)
BOX_MARGIN = 1.5  # the box around a point is this much wider than `near_metres`: a box, not a circle, and rounding


@dataclass(frozen=True)
class Reach:
    """The earlier appeals `match` could possibly accept for a new one — a superset, so a store can read only these
    instead of every recent appeal of the municipality. The same municipality, and either the same group — except,
    when the new appeal names a street in a city, the city's other streets (`place_evidence` gives them nothing) — or
    one of the only places strong enough to match across groups (`cross_group_place`): the same street, a near point,
    the same small settlement."""

    municipality_id: str
    group: str | None
    street: str | None
    settlement_id: str | None  # only when the settlement is small enough to count as a place
    box: tuple[float, float, float, float] | None  # lat_min, lat_max, lon_min, lon_max around the new point
    city: str | None = None  # the new appeal's big settlement, when it names a street there

    def admits(self, other: IncidentSignal) -> bool:
        """`match(new, other)` may be non-None only if this holds (tests/unit/domain/test_incident_reach.py)."""
        if other.municipality_id != self.municipality_id:
            return False
        near = (
            self.box is not None
            and other.lat is not None
            and other.lon is not None
            and self.box[0] <= other.lat <= self.box[1]
            and self.box[2] <= other.lon <= self.box[3]
        )
        same_street = self.street is not None and other.street == self.street
        elsewhere_in_city = self.city is not None and other.settlement_id == self.city and other.street is not None
        return (
            (self.group is not None and other.group == self.group and not elsewhere_in_city)
            or same_street
            or (self.settlement_id is not None and other.settlement_id == self.settlement_id)
            or near
        )


def reach_of(new: IncidentSignal, rule: MatchRule = MatchRule()) -> Reach | None:
    """What `Reach.admits` must let through for `new`; None when nothing can match it (no municipality, or no
    group and no place strong enough to match across groups)."""
    if not new.municipality_id:
        return None
    # place_evidence gives a same small settlement 0.8, a same street at least 0.6, a point within `near_metres`
    # 1.0; every other place (a farther point, a city, the municipality) is below `cross_group_place`, so it
    # matches only within the same group — and there a city's other street with no point within 3 × near_metres
    # gives 0. A change of those values must keep test_incident_reach.py passing.
    small = new.settlement_id is not None and (new.settlement_population or 0) < rule.small_settlement
    box = None
    if new.lat is not None and new.lon is not None:
        d_lat = 3 * rule.near_metres * BOX_MARGIN / METRES_PER_DEGREE
        d_lon = d_lat / max(math.cos(math.radians(new.lat)), 0.01)
        box = (new.lat - d_lat, new.lat + d_lat, new.lon - d_lon, new.lon + d_lon)
    city = new.settlement_id if new.settlement_id and not small and new.street else None
    settlement = new.settlement_id if small else None
    reach = Reach(new.municipality_id, new.group or None, new.street or None, settlement, box, city)
    if reach.group is None and reach.street is None and reach.settlement_id is None and box is None:
        return None
    return reach


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
