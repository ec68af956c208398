"""The gazetteer: every inflected form of settlement, district and micro-district names → places."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from otklik.domain.geography import Settlement
from otklik.domain.reference import ReferenceData
from otklik.nlp.text.lemmas import grammemes, is_dictionary_word, morph

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
# District adjectives that name a municipality other than the one of the same stem in the reference data.
ADJECTIVE_ALIASES = {"мантуровский": "Мантурово"}


@dataclass(frozen=True)
class Place:
    kind: str  # settlement, municipality, district
    name: str
    municipality_id: str
    settlement: Settlement | None = None


@dataclass(frozen=True)
class Entry:
    tokens: tuple[str, ...]  # the whole name form, lower case, ё folded
    places: tuple[Place, ...]
    risk: int  # 0 free; 1 a person's name: needs a preposition or type word; 2 also a capital letter
    needs_keyword: bool = False  # only with «район», «микрорайон» near (generic district names)


def nlp_data_dir() -> Path:
    return Path(str(resources.files("otklik") / "data" / "nlp"))


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _word_forms(word: str) -> set[str]:
    """The word in every case (number kept), as pymorphy3 inflects its nominative reading."""
    if "-" in word:
        head, _, tail = word.partition("-")
        return {f"{form}-{tail}" for form in _word_forms(head)}
    forms = {word}
    parses = [p for p in morph().parse(word) if "nomn" in p.tag] or morph().parse(word)[:1]
    for parse in parses[:2]:
        for case in CASES:
            inflected = parse.inflect({case})
            if inflected is not None:
                forms.add(_fold(str(inflected.word)))
    return forms


def phrase_forms(name: str) -> set[tuple[str, ...]]:
    """All case forms of a (multi-word) name with the words agreeing in case."""
    words = [_fold(w) for w in name.split()]
    if len(words) == 1:
        return {(form,) for form in _word_forms(words[0])}
    result = {tuple(words)}
    parsed = [[p for p in morph().parse(w) if "nomn" in p.tag][:1] or morph().parse(w)[:1] for w in words]
    for case in CASES:
        inflected = [parses[0].inflect({case}) for parses in parsed]
        result.add(tuple(_fold(str(i.word)) if i else w for i, w in zip(inflected, words, strict=True)))
    return result


def _risk(form: tuple[str, ...], nominative: str) -> int:
    """0: match anywhere; 1: a person's name too — needs context; 2: a common word — context and capital."""
    if len(form) > 1:
        return 0
    word = form[0]
    if len(word) <= 3 or is_dictionary_word(word) or is_dictionary_word(_fold(nominative)):
        return 2
    return 1 if grammemes(word) & {"Name", "Surn", "Patr"} else 0


class Gazetteer:
    """Lookup of name forms by their first token; built once from ReferenceData (about a second)."""

    def __init__(self, reference: ReferenceData) -> None:
        self.by_first: dict[str, list[Entry]] = defaultdict(list)
        self.municipality_by_adjective: dict[str, str] = {}
        self._build_settlements(reference)
        self._build_municipalities(reference)
        self._build_districts(reference)

    def _add(self, name: str, places: tuple[Place, ...], *, needs_keyword: bool = False) -> None:
        for form in phrase_forms(name):
            entry = Entry(form, places, _risk(form, name), needs_keyword)
            self.by_first[form[0]].append(entry)

    def _build_settlements(self, reference: ReferenceData) -> None:
        by_name: dict[str, list[Settlement]] = defaultdict(list)
        for settlement in reference.settlements:
            by_name[settlement.name].append(settlement)
        for name, settlements in by_name.items():
            places = tuple(Place("settlement", name, s.municipality_id, s) for s in settlements)
            self._add(name, places)

    def _build_municipalities(self, reference: ReferenceData) -> None:
        for municipality in reference.municipalities:
            if municipality.name.endswith(("ский", "цкий", "ской")):
                for form in _word_forms(_fold(municipality.name)):
                    self.municipality_by_adjective[form] = municipality.id
        for adjective, target in ADJECTIVE_ALIASES.items():
            found = reference.municipality_by_name(target)
            if found is not None:
                for form in _word_forms(adjective):
                    self.municipality_by_adjective[form] = found.id

    def _build_districts(self, reference: ReferenceData) -> None:
        with (nlp_data_dir() / "city_districts.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                municipality = reference.municipality_by_name(row["municipality"])
                if municipality is None:
                    continue
                place = Place("district", row["name"], municipality.id)
                self._add(row["name"], (place,), needs_keyword=row["needs_keyword"] == "yes")
