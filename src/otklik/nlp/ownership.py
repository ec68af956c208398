"""Ownership evidence: who owns the object a message names (a road, a bus route, a school bus, a ЦРБ, a tariff).

The competence matrix answers «which body owns this topic»; the text often names the very object, and its owner
decides: a regional road or an intercity route is the region's, a street or a town bus is the municipality's,
a kindergarten and a village club are municipal, exams and colleges regional. The lists are data the region
edits (`data/nlp/regional_roads.csv`, `regional_institutions.csv`, `ownership_rules.csv`, each with its source);
docs/routing.md explains the order in which they are consulted.
"""

from __future__ import annotations

import csv
import itertools
import re
import re._constants as _const  # the regex parser: to find the literal starts of a pattern
import re._parser as _parser
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from otklik.domain.analysis import LocationGuess
from otklik.domain.competence import MUNICIPAL_ADMINISTRATION
from otklik.domain.reference import ReferenceData
from otklik.nlp.triggers import TriggerIndex

ROAD_GROUPS = frozenset(
    {"Дороги", "Общественный транспорт", "Благоустройство", "Безопасность", "Строительство и архитектура"}
)
TRANSPORT = "transport"
_FEDERAL_NUMBER = re.compile(r"\b[ра]\s?-\s?\d{2,3}\b|\b[ра]\d{3}\b")  # Р-243, А-114 (Latin «p» folded)
_REGIONAL_NUMBER = re.compile(r"\b(?:34\s?оп\s?[рм]з\s?)?34\s?[кн]\s?-\s?\d{1,4}\b")  # 34 ОП РЗ 34К-123
_ROAD_CONTEXT = re.compile(r"дорог|трасс|шоссе|автобус|рейс|маршрут|проезд|\bкм\b|участ[оке]")
_CONNECTOR = re.compile(r"^\s*(?:[-—–]+|до|и|в|во|на|через)\s*$")
_WORD = re.compile(r"[а-я]+(?:-[а-я]+)*")
_ROAD_WORD = re.compile(r"дорог\w*|трасс\w*|шоссе|автодорог\w*|участ(?:ок|ке|ка) дорог")
# «дорога на Шунгу», «трасса до Макарьева»; not «в»: «яма на дороге в Шарье» is in the town
_ROAD_TO = re.compile(
    r"(?:дорог\w*|трасс\w*|автодорог\w*)\s+(?:на|до|из|от|между)\s+([а-я][а-я-]+)(?:\s+([а-я][а-я-]+))?"
)
_DASHED = re.compile(r"(?<![\w-])([а-я][а-я-]*[а-я])\s*[—–]\s*([а-я][а-я-]*[а-я])|(?<![\w-])([а-я]+)\s+-\s+([а-я]+)")
_BUS = re.compile(r"автобус\w*|маршрутк\w*|\bрейс\w*")
_SCHOOL_BUS = re.compile(r"школьн\w* автобус\w*|автобус\w*\W+(?:\w+\W+){0,3}?(?:в|до|из) школ\w*")
# «автобус в Буй», «до Галича рейс»: a destination after a preposition; «в город» — the district's centre
_TO_PLACE = re.compile(r"(?:\bв|\bдо|\bна|\bиз|\bот)\s+([а-я][а-я-]+)")
_TO_TOWN = re.compile(r"(?:\bв|\bдо|\bиз)\s+город\w*")
_ROAD_DEFECT = re.compile(
    r"\bям\w*|асфальт\w*|тротуар\w*|коле[яи]\w*|обочин\w*|разметк\w*|светофор\w*|гололед\w*|парковк\w*"
)
INSTITUTIONS_MARKER = "@regional_institutions"  # the row of ownership_rules.csv where the institutions are consulted
_ENDINGS = "аяьйоеыи"


def fold(text: str) -> str:
    """Lowercase, ё → е, Latin look-alikes of road letters folded: the form all patterns are written for."""
    return text.lower().replace("ё", "е").replace("p", "р").replace("a", "а")


@dataclass(frozen=True)
class Evidence:
    """What the text names, who owns it, and why (a Russian sentence for the explanation)."""

    agency_label: str  # an agency id or «@municipality»
    reason: str  # «{match} — … → {agency}»: the router fills the body's name
    match: str
    confidence: float


@dataclass(frozen=True)
class OwnershipRule:
    name: str
    pattern: re.Pattern[str]
    groups: frozenset[str]  # empty: any group
    agency_label: str
    explanation: str
    named: bool = False  # a distinctive institution («Нерехтская ЦРБ», a museum): decides even in road groups
    triggers: tuple[str, ...] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "triggers", leading_literals(self.pattern.pattern))

    def applies(self, group: str | None) -> bool:
        return not self.groups or (group is not None and group in self.groups)

    def search(self, folded: str, present: frozenset[str] | None = None) -> tuple[int, int] | None:
        """The span of the matched object; a pattern with a group «m» marks the object inside a wider match.
        `present`: the trigger literals found in the text at once (`TriggerIndex`), else each is tested here."""
        if self.triggers is not None:
            if present is None:
                present = frozenset(t for t in self.triggers if t in folded)
            if present.isdisjoint(self.triggers):
                return None  # none of the literals every match contains is in the text: the regex cannot match
        hit = self.pattern.search(folded)
        if hit is None:
            return None
        return hit.span("m") if "m" in self.pattern.groupindex else hit.span()


@dataclass(frozen=True)
class RegionalRoad:
    number: str
    name: str
    kind: str  # federal / regional
    agency_id: str
    number_pattern: re.Pattern[str] | None
    name_pattern: re.Pattern[str] | None


_BUS_REASON = "«{match}» — автобус в другой муниципалитет: межмуниципальный маршрут → {agency}"
_BETWEEN_REASON = "«{match}» — дорога между населёнными пунктами, региональная или межмуниципальная → {agency}"


def _lookup(index: dict[str, set[str]], word: str) -> set[str] | None:
    """The municipalities of a place whose name key the word starts with, allowing a case ending of up to 3."""
    for cut in range(0, 4):
        found = index.get(word[: len(word) - cut] if cut else word)
        if found:
            return found
    return None


def _keys(name: str) -> set[str]:
    """A settlement's name and, for longer names, its stem without the ending (cases are matched by prefix)."""
    keys = {name}
    if len(name) > 4 and name[-1] in _ENDINGS:
        keys.add(name[:-1])
    if len(name) > 5 and name[-2:] in ("ое", "ий", "ая", "ой", "ые", "ы"):
        keys.add(name[:-2])
    return keys


def leading_literals(pattern: str) -> tuple[str, ...] | None:
    """Literals one of which every match of the pattern contains («тариф», «мусор», …), or None when a branch has
    no literal it must contain. A substring test on them skips most regex searches (the speed budget)."""
    found = _required(list(_parser.parse(pattern)))
    return tuple(sorted(found)) if found else None


_SKIPPED = (_const.AT, _const.ASSERT, _const.ASSERT_NOT)  # \b, ^, look-arounds: they consume nothing


def _required(items: list[tuple[Any, Any]]) -> set[str] | None:
    """One literal every match of the sequence contains: its longest run of plain characters; without one, the
    literals of its first branch or group (every alternative must have one). `^(?!…).*?(?P<m>свет…|…)` and
    «число + маршрут» have theirs too, not only patterns that start with a letter."""
    runs: list[str] = []
    current = ""
    for op, value in items:
        if op is _const.LITERAL:
            current += chr(value)
            continue
        if current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    if runs:
        return {max(runs, key=len)}
    for op, value in items:
        if op in _SKIPPED:
            continue
        if op is _const.BRANCH:
            branches = [_required(list(branch)) for branch in value[1]]
            return set().union(*branches) if all(branches) else None  # type: ignore[arg-type]
        if op is _const.SUBPATTERN:
            return _required(list(value[-1]))
    return None


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _groups(raw: str) -> frozenset[str]:
    return frozenset(g.strip() for g in raw.split("|") if g.strip())


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{where}: bad pattern {pattern!r}: {error}") from error


def name_pattern(name: str) -> str:
    """A regex for a place name in its cases: «Шарья» → шарь\\w{0,3}; short names keep their letters."""
    words = fold(name).replace("—", "-").split("-")
    head = words[0]
    stem = head[:-1] if head[-1:] in _ENDINGS and len(head) > 4 else head
    tail = "".join(f"-{w}" for w in words[1:])
    return rf"\b{re.escape(stem)}\w{{0,3}}{re.escape(tail)}"


def _road_name_pattern(name: str) -> re.Pattern[str] | None:
    ends = [part.strip() for part in re.split(r"\s[—–-]\s", name) if part.strip()]
    if len(ends) < 2:
        return None
    a, b = name_pattern(ends[0]), name_pattern(ends[1])
    return re.compile(rf"{a}\s*(?:[-—–]+|до|на|в)\s*{b}|{b}\s*(?:[-—–]+|до|на|в)\s*{a}")


def _number_pattern(number: str) -> re.Pattern[str] | None:
    folded = fold(number).replace(" ", "")
    found = re.fullmatch(r"([ра])-?(\d+)", folded)
    if not found:
        return None
    return re.compile(rf"\b{found.group(1)}\s?-?\s?{found.group(2)}\b")


def load_roads(path: Path) -> list[RegionalRoad]:
    roads = []
    for line, row in enumerate(_csv(path), start=2):
        if row["agency_id"].strip() == "":
            raise ValueError(f"{path.name}, line {line}: agency_id is empty")
        number = row["number"].strip()
        roads.append(
            RegionalRoad(
                number,
                row["name"].strip(),
                row["kind"].strip(),
                row["agency_id"].strip(),
                _number_pattern(number) if number else None,
                _road_name_pattern(row["name"]),
            )
        )
    return roads


def load_rules(path: Path) -> list[OwnershipRule]:
    return [
        OwnershipRule(
            row["name"],
            _compile(row["pattern"], f"{path.name}, line {line}")
            if row["name"] != INSTITUTIONS_MARKER
            else re.compile("$^"),
            _groups(row["groups"]),
            row["agency_id"].strip(),
            row["explanation"],
        )
        for line, row in enumerate(_csv(path), start=2)
    ]


def load_institutions(path: Path) -> list[OwnershipRule]:
    """Regional institutions as rules: they decide in any group except the road ones (a pit in front of a ЦРБ is
    still the street's)."""
    result = []
    for line, row in enumerate(_csv(path), start=2):
        owner_word = "областное учреждение" if row["kind"] != "ЦРБ" else "ЦРБ — областная больница"
        result.append(
            OwnershipRule(
                row["name"],
                _compile(row["pattern"], f"{path.name}, line {line}"),
                frozenset(),
                row["agency_id"].strip(),
                f"«{{match}}» — {owner_word} ({row['name']}) → {{agency}}",
                named=row["also_in_road_complaints"].strip() == "yes",
            )
        )
    return result


class OwnershipEvidence:
    """Finds in a text the object whose owner decides the competent body."""

    def __init__(
        self,
        roads: Sequence[RegionalRoad],
        rules: Sequence[OwnershipRule],
        institutions: Sequence[OwnershipRule],
        places: Iterable[tuple[str, str]],
        settlements: Iterable[tuple[str, str]] = (),
        centre_elsewhere: Iterable[str] = (),
        seats: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._roads = tuple(roads)
        self._rules = tuple(rules)
        self._institutions = tuple(institutions)
        self._triggers = TriggerIndex([r.triggers for r in (*self._rules, *self._institutions)])
        self._towns: dict[str, set[str]] = {}  # district centres and towns: name keys → their municipalities
        for name, municipality_id in places:
            for key in _keys(fold(name)) | _keys(fold(name).split("-")[0]):
                self._towns.setdefault(key, set()).add(municipality_id)
        self._settlements: dict[str, set[str]] = {}
        for name, municipality_id in settlements:
            for key in _keys(fold(name)):
                self._settlements.setdefault(key, set()).add(municipality_id)
        # districts whose centre town is a municipality of its own (Костромской → Кострома, Буйский → Буй)
        self._centre_elsewhere: frozenset[str] = frozenset(centre_elsewhere)
        # towns and district centres → the municipality they lie in (Кострома is the city's, not the district's)
        self._seats: dict[str, set[str]] = {}
        for name, municipality_id in seats:
            for key in _keys(fold(name)) | _keys(fold(name).split("-")[0]):
                self._seats.setdefault(key, set()).add(municipality_id)

    @classmethod
    def from_data(cls, directory: Path, reference: ReferenceData) -> OwnershipEvidence:
        """The shipped lists, checked against the reference data: an unknown body or group names its line."""
        places = [(m.centre, m.id) for m in reference.municipalities if m.centre]
        places += [(s.name, s.municipality_id) for s in reference.settlements if s.type in ("г", "пгт")]
        rules = load_rules(directory / "ownership_rules.csv")
        institutions = load_institutions(directory / "regional_institutions.csv")
        roads = load_roads(directory / "regional_roads.csv")
        known = {a.id for a in reference.agencies} | {MUNICIPAL_ADMINISTRATION}
        groups = {g.name for g in reference.rubricator.groups}
        for where, rule in [("ownership_rules.csv", r) for r in rules] + [
            ("regional_institutions.csv", r) for r in institutions
        ]:
            if rule.name == INSTITUTIONS_MARKER:
                continue
            if rule.agency_label not in known:
                raise ValueError(f"{where}, «{rule.name}»: unknown agency {rule.agency_label!r}")
            if unknown := rule.groups - groups:
                raise ValueError(f"{where}, «{rule.name}»: unknown groups {sorted(unknown)}")
        for road in roads:
            if road.agency_id not in known:
                raise ValueError(f"regional_roads.csv, «{road.name}»: unknown agency {road.agency_id!r}")
        towns = {s.name: s.municipality_id for s in reference.settlements if s.type in ("г", "пгт")}
        elsewhere = [m.id for m in reference.municipalities if m.centre in towns and towns[m.centre] != m.id]
        seats = [(m.centre, towns.get(m.centre, m.id)) for m in reference.municipalities if m.centre]
        seats += list(towns.items())
        settlements = [(x.name, x.municipality_id) for x in reference.settlements]
        return cls(roads, rules, institutions, places, settlements, elsewhere, seats)

    def find(self, text: str, group: str | None, location: LocationGuess) -> Evidence | None:
        """The first evidence in order: a listed road, the locator's road, a road between named settlements or
        towns of different municipalities joined by a route, then the ownership rules in their file order (the
        regional institutions where the marker row stands)."""
        folded = fold(text)
        in_road_group = group in ROAD_GROUPS
        if in_road_group:
            found = (
                self._listed_road(folded)
                or self._located_road(location)
                or self._road_between(folded)
                or self._intermunicipal(folded)
                or self._bus_to_other_municipality(folded, location)
            )
            if found is not None:
                return found
        present = self._triggers.present(folded)
        for rule in self._chain(group, in_road_group and _ROAD_DEFECT.search(folded) is not None):
            span = rule.search(folded, present)
            if span is not None:
                return Evidence(rule.agency_label, rule.explanation, text[span[0] : span[1]], 0.8)
        return None

    def _chain(self, group: str | None, road_defect: bool) -> Iterable[OwnershipRule]:
        in_road_group = group in ROAD_GROUPS
        for rule in self._rules:
            if rule.name == INSTITUTIONS_MARKER:
                # a ЦРБ named in a road complaint is where the road leads, unless it is the road's defect
                yield from (i for i in self._institutions if not in_road_group or (i.named and not road_defect))
            elif rule.applies(group):
                yield rule

    def _settlement(self, word: str) -> set[str] | None:
        return _lookup(self._settlements, word)

    def _road_between(self, folded: str) -> Evidence | None:
        """«дорога на Шунгу», «Парфеньево - Николо-Полома дорога»: a road outside the settlements, the region's."""
        if not _ROAD_WORD.search(folded):
            return None
        for hit in _ROAD_TO.finditer(folded):
            # «дорога на Чистые Боры»: a two-word name first, then the first word alone («дорога на Шунгу разбита»)
            two = f"{hit.group(1)} {hit.group(2)}" if hit.group(2) else None
            if two is not None and self._settlement(two):
                return Evidence(TRANSPORT, _BETWEEN_REASON, hit.group(0), 0.8)
            if self._settlement(hit.group(1)):
                return Evidence(TRANSPORT, _BETWEEN_REASON, hit.group(0)[: hit.end(1) - hit.start()], 0.8)
        for hit in _DASHED.finditer(folded):
            a, b = (hit.group(1), hit.group(2)) if hit.group(1) else (hit.group(3), hit.group(4))
            if a != b and self._settlement(a) and self._settlement(b):
                return Evidence(TRANSPORT, _BETWEEN_REASON, hit.group(0), 0.8)
        return None

    def _listed_road(self, folded: str) -> Evidence | None:
        for road in self._roads:
            for pattern in (road.number_pattern, road.name_pattern):
                hit = pattern.search(folded) if pattern else None
                if hit:
                    label = road.number or road.name
                    what = "федеральная трасса, обращение передаётся через" if road.kind == "federal" else "→"
                    kind = "" if road.kind == "federal" else " — региональная дорога"
                    return Evidence(road.agency_id, f"{label} ({road.name}){kind} {what} {{agency}}", label, 0.85)
        hit = _REGIONAL_NUMBER.search(folded)
        if hit:
            return Evidence(TRANSPORT, "«{match}» — номер региональной дороги → {agency}", hit.group(0).upper(), 0.85)
        hit = _FEDERAL_NUMBER.search(folded)
        if hit and _ROAD_CONTEXT.search(folded):
            return Evidence(
                TRANSPORT,
                "«{match}» — федеральная трасса, обращение передаётся через {agency}",
                hit.group(0).upper(),
                0.85,
            )
        return None

    @staticmethod
    def _located_road(location: LocationGuess) -> Evidence | None:
        road = getattr(location, "road", None)  # the locator may name the road between settlements
        if isinstance(road, str) and road.strip():
            return Evidence(TRANSPORT, "«{match}» — дорога между населёнными пунктами → {agency}", road, 0.8)
        return None

    def _bus_to_other_municipality(self, folded: str, location: LocationGuess) -> Evidence | None:
        """A bus from the message's municipality to a town of another one («из Ножкино автобус в Галич»), or «в
        город» from a district whose centre town is a municipality of its own: a route between two municipalities,
        which the region organises (220-ФЗ). A school bus stays the district's."""
        here = location.municipality_id
        if here is None or not _BUS.search(folded) or _SCHOOL_BUS.search(folded):
            return None
        for hit in _TO_PLACE.finditer(folded):
            found = _lookup(self._seats, hit.group(1))
            if found and here not in found:
                return Evidence(TRANSPORT, _BUS_REASON, hit.group(0), 0.75)
        town = _TO_TOWN.search(folded) if here in self._centre_elsewhere else None
        return Evidence(TRANSPORT, _BUS_REASON, town.group(0), 0.7) if town is not None else None

    def _intermunicipal(self, folded: str) -> Evidence | None:
        if not _ROAD_CONTEXT.search(folded):
            return None
        mentions = []
        for hit in _WORD.finditer(folded):
            found = _lookup(self._towns, hit.group(0))
            if found:
                mentions.append((hit.start(), hit.end(), found))
        for (s1, e1, first), (s2, e2, second) in itertools.pairwise(mentions):
            if first.isdisjoint(second) and _CONNECTOR.match(folded[e1:s2]):
                return Evidence(
                    TRANSPORT,
                    "«{match}» связывает разные муниципалитеты — межмуниципальная дорога или маршрут → {agency}",
                    folded[s1:e2],
                    0.8,
                )
        return None
