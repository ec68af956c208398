"""The gazetteer: every inflected form of settlement, district and micro-district names → places."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from otklik.domain.geography import Settlement
from otklik.domain.reference import ReferenceData
from otklik.nlp.text.lemmas import grammemes, is_dictionary_word, is_known_person_name, morph

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
# Bump when the built structure changes: the cached gazetteer is keyed by it (nlp/factory.py).
GAZETTEER_FORMAT = "11+regular-forms-settlement-adjectives"
DATA_FILES = ("city_districts.csv", "place_adjectives.csv", "place_aliases.csv")
# District adjectives that name a municipality other than the one of the same stem in the reference data.
ADJECTIVE_ALIASES = {"мантуровский": "Мантурово"}
# Slavic place names in -ово/-ево/-ино/-ыно decline like neuter nouns («в Антропове», «из Сусанина»); pymorphy3
# guesses them as surnames, so their cases come from this hand-checked rule (the nominative stays as written:
# «в Павино» is how people write too).
TOPONYM_ENDINGS = ("ово", "ево", "ино", "ыно")
# «под Добрецовым»: people also decline them like surnames in the instrumental (the locator takes that form only
# after «под», «за»…, never after «с», where it is a person).
_TOPONYM_CASES = ("а", "у", "ом", "ым", "е")
# Relative adjectives on -ский/-цкий/-ской: every gender, number and case, by their (regular) endings.
_ADJECTIVE_ENDINGS = ("ий", "ой", "ого", "ому", "им", "ом", "ая", "ую", "ою", "ое", "ие", "их", "ими")
# Adjectives from a person's name («Петровское» → петровский, «Ильинское» → ильинский) are dictionary words but no
# common ones: before a school or a ФАП they are the village's.
_NAMED_ADJECTIVES = ("овский", "евский", "инский", "ынский")
_MASCULINE_SINGULAR = ("ий", "ой", "ого", "ому", "им", "ом")


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
    adjective: bool = False  # «Нерехтская ЦРБ»: the town's adjective, not its name


def nlp_data_dir() -> Path:
    return Path(str(resources.files("otklik") / "data" / "nlp"))


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def adjective_forms(adjective: str) -> set[str]:
    """«нерехтский» → нерехтская, нерехтском, нерехтские … (ё folded)."""
    adjective = _fold(adjective)
    stem = adjective[:-2]
    return {stem + ending for ending in _ADJECTIVE_ENDINGS}


def settlement_adjective(name: str) -> str | None:
    """The masculine adjective of a one-word name where a regular rule gives it: an adjectival name keeps its stem
    («Никольское» → никольский, «Боровской»), -ово/-ино and consonant names add -ский («Антропово» → антроповский,
    «Кокуй» → кокуйский, «Судиславль» → судиславский); names in -а/-я are irregular («Шарья» → шарьинский,
    «Вохма» → вохомский, «Шунга» → шунгенский) and left to place_adjectives.csv."""
    name = _fold(name)
    if " " in name or "-" in name or len(name) < 4:
        return None
    if name.endswith(("ское", "ский", "ской", "цкое", "цкий", "цкой")):
        return name[:-2] + "ий"
    if name.endswith(TOPONYM_ENDINGS):
        return name[:-1] + "ский"
    if name.endswith("ь") and name[-2] in "лнр":
        return name[:-1] + "ский"
    if name.endswith("й") and name[-2] not in "иыо":
        return name + "ский"
    if name[-1] in "бвгдзклмнпрстфхчшщж" and not name.endswith(("ск", "цк")):
        return name + "ский"
    return None


def _word_forms(word: str) -> set[str]:
    """The word in every case (number kept), as pymorphy3 inflects its nominative reading."""
    if "-" in word:
        head, _, tail = word.partition("-")
        forms = {f"{form}-{tail}" for form in _word_forms(head)}
        if not tail.startswith("на-"):
            # «Николо-Полома» → «в Николо-Поломе»: the noun is the last part («Красное-на-Волге»: the first).
            forms |= {f"{head}-{form}" for form in _word_forms(tail)}
        return forms
    if len(word) > 4 and word.endswith(TOPONYM_ENDINGS):
        return {word} | {word[:-1] + ending for ending in _TOPONYM_CASES}
    if len(word) > 4 and word.endswith("ье"):
        # «Завражье», «Заречье»: neuter nouns in -ье (pymorphy3 guesses unknown ones as adjectives).
        return {word} | {word[:-1] + ending for ending in ("я", "ю", "ем")}
    regular = _regular_noun_forms(word)
    if regular is not None:
        return regular
    return _dictionary_forms(word)


def _dictionary_forms(word: str) -> set[str]:
    forms = {word}
    parses = [p for p in morph().parse(word) if "nomn" in p.tag] or morph().parse(word)[:1]
    for parse in parses[:2]:
        for case in CASES:
            inflected = parse.inflect({case})
            if inflected is not None:
                forms.add(_fold(str(inflected.word)))
    return forms


def _regular_noun_forms(word: str) -> set[str] | None:
    """The cases of a name pymorphy3 does not know, by the regular declension of Russian place names; None when
    the word is known (its dictionary paradigm is kept) or no rule fits. pymorphy3 guesses unknown names in -а as
    masculine nouns («Решетиха» → «решетиху», never «в Решетихе»), so these come from the rules:
    - plural names in -ята/-ата of the Vyatka type: «Вахрушата» → в Вахрушатах, у Вахрушат;
    - feminine names in -а/-я: «Решетиха» → Решетихи, Решетихе, Решетиху, Решетихой; «Сорожа» → Сорожей too;
      «Нея» → Неи, Нее; «Лисья» → Лисье; «Илия» → Илии;
    - plural names in -ы/-и: «Колеватовы», «Лубяны» → -ах, -ам, -ами, beside pymorphy3's guess (the genitive
      plural has no regular form: «Ломышки» → «у Ломышек»)."""
    if len(word) < 3 or any(p.is_known and "nomn" in p.tag for p in morph().parse(word)):
        return None  # a known nominative («Горки», «Буй»): its dictionary paradigm
    if word.endswith("ята") or word.endswith(("шата", "чата", "щата", "жата")):
        stem = word[:-1]
        return {word, stem, stem + "ам", stem + "ами", stem + "ах"}
    if word.endswith(("ая", "яя")):
        return None  # an adjective: pymorphy3 declines adjectives by their (regular) endings
    if word.endswith("ия"):
        stem = word[:-1]
        return {word, stem + "и", stem + "ю", stem + "ей"}
    if word.endswith("я"):
        stem = word[:-1]
        return {word, stem + "и", stem + "е", stem + "ю", stem + "ей"}
    if word.endswith("а"):
        stem = word[:-1]
        genitive = "и" if stem[-1] in "гкхжшщч" else "ы"
        instrumental = {"ой", "ей"} if stem[-1] in "жшщчц" else {"ой"}
        return {word, stem + genitive, stem + "е", stem + "у"} | {stem + ending for ending in instrumental}
    if word.endswith(("ы", "и")) and not word.endswith(("ый", "ий")):
        stem = word[:-1]
        hard = word.endswith("ы") or stem[-1] in "гкхжшщч"
        # pymorphy3's guess keeps the genitive plural with its fleeting vowel («у Ломышек»)
        regular = {stem + ending for ending in (("ам", "ами", "ах") if hard else ("ям", "ями", "ях"))}
        return _dictionary_forms(word) | regular
    if word.endswith("й") and word[-2] not in "иыо":
        stem = word[:-1]
        return {word, stem + "я", stem + "ю", stem + "е", stem + "ем"}  # «Кокуй» → в Кокуе, у Кокуя
    if word[-1] in "бвгджзклмнпрстфхцчшщ" and not word.endswith(("ок", "ек", "ёк", "ец")):
        # «Дор», «Нюрюг» → в Доре, у Нюрюга (a fleeting vowel, «Починок → Починке», is left to pymorphy3)
        return {word, word + "а", word + "у", word + "е", word + ("ем" if word[-1] in "жшщчц" else "ом")}
    return None


def _direction_forms(word: str) -> set[str]:
    """Accusative forms that are not also locative or dative: «кострому», «шарью», «галич» (not «мантурово»)."""
    if " " in word or "-" in word or word.endswith(TOPONYM_ENDINGS):
        return set()
    accusative: set[str] = set()
    other: set[str] = set()
    for parse in [p for p in morph().parse(word) if "nomn" in p.tag][:2]:
        for case in ("accs", "loct", "loc2", "datv", "gent", "ablt"):
            inflected = parse.inflect({case})
            if inflected is not None:
                (accusative if case == "accs" else other).add(_fold(str(inflected.word)))
    return accusative - other


def phrase_forms(name: str) -> set[tuple[str, ...]]:
    """All case forms of a (multi-word) name with the words agreeing in case."""
    words = [_fold(w) for w in name.split()]
    if len(words) == 1:
        forms = _word_forms(words[0])
        # «Красное-на-Волге» is also written «Красном на Волге»: the same forms as separate words.
        spaced = {tuple(form.split("-")) for form in forms if "-на-" in form}
        return {(form,) for form in forms} | spaced
    result = {tuple(words)}
    parsed = [[p for p in morph().parse(w) if "nomn" in p.tag][:1] or morph().parse(w)[:1] for w in words]
    for case in CASES:
        inflected = [parses[0].inflect({case}) for parses in parsed]
        result.add(tuple(_fold(str(i.word)) if i else w for i, w in zip(inflected, words, strict=True)))
    if len(words) == 2 and (words[1].endswith(TOPONYM_ENDINGS) or _regular_noun_forms(words[1]) is not None):
        # «Малое Барашково», «Малая Дунилиха»: the noun by the place-name rules, the adjective agreeing with it in
        # the locative and genitive, where people write these names most («в Малом Барашкове», «у Малой Дунилихи»)
        noun = _word_forms(words[1]) - {words[1]}
        for case, endings in (("loct", ("е", "ах", "ях")), ("gent", ("а", "ы", "и"))):
            adjective = parsed[0][0].inflect({case})
            if adjective is not None:
                result |= {(_fold(str(adjective.word)), form) for form in noun if form.endswith(endings)}
    return result


def _risk(form: tuple[str, ...], nominative: str) -> int:
    """0: match anywhere; 1: a person's name too — needs context; 2: a common word — context and capital."""
    if len(form) > 1:
        return 0
    word = form[0]
    if "-" in word and not is_dictionary_word(word):
        return 0  # «Николо-Шанга», «Красное-на-Волге»: no person or common word is written so
    if len(word) <= 3 or is_dictionary_word(word) or is_dictionary_word(_fold(nominative)):
        return 2
    # pymorphy guesses «Name» for unknown words ending like names («Вохтома», «Якшанга», «Кадый»): only a name it
    # knows makes the form a person's name too
    return 1 if is_known_person_name(word) else 0


class Gazetteer:
    """Lookup of name forms by their first token; built once from ReferenceData (about a second)."""

    def __init__(self, reference: ReferenceData) -> None:
        self.by_first: dict[str, list[Entry]] = defaultdict(list)
        self.municipality_by_adjective: dict[str, str] = {}
        self.town_by_adjective: dict[str, Entry] = {}
        # Accusative forms of towns that differ from their locative: after «в» they say «to», not «in» («в Кострому»).
        self.direction_forms: set[str] = set()
        # «Шунгенская школа» is irregular, «Антроповская», «Кокуйский клуб» regular: every settlement's adjective
        # a regular rule gives, for the locator to take before an institution's noun only.
        self.settlement_by_adjective: dict[str, Entry] = {}
        self._build_settlements(reference)
        self._build_municipalities(reference)
        self._build_districts(reference)
        self._build_town_adjectives(reference)
        self._build_settlement_adjectives(reference)

    def _add(self, name: str, places: tuple[Place, ...], *, needs_keyword: bool = False) -> None:
        for form in phrase_forms(name):
            entry = Entry(form, places, _risk(form, name), needs_keyword)
            self.by_first[form[0]].append(entry)

    def _build_settlements(self, reference: ReferenceData) -> None:
        by_name: dict[str, list[Settlement]] = defaultdict(list)
        spelled: dict[str, str] = {}
        for settlement in reference.settlements:
            # «Соловьёво» and «Соловьево» are one written name: their villages compete as namesakes
            name = spelled.setdefault(_fold(settlement.name), settlement.name)
            by_name[name].append(settlement)
        aliases = self._aliases(reference)
        for name, settlements in by_name.items():
            places = tuple(Place("settlement", s.name, s.municipality_id, s) for s in settlements)
            self._add(name, places + aliases.pop(name, ()))
            if any(s.type in ("г", "пгт") or (s.population or 0) >= 1000 for s in settlements):
                self.direction_forms |= _direction_forms(_fold(name))
        for alias, places in aliases.items():
            self._add(alias, places)

    @staticmethod
    def _aliases(reference: ReferenceData) -> dict[str, tuple[Place, ...]]:
        """Colloquial names (data/nlp/place_aliases.csv): «в Красном» is Красное-на-Волге."""
        found: dict[str, tuple[Place, ...]] = defaultdict(tuple)
        with (nlp_data_dir() / "place_aliases.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                municipality = reference.municipality_by_name(row["municipality"])
                settlement = next(
                    (
                        s
                        for s in reference.settlements
                        if municipality and s.name == row["settlement"] and s.municipality_id == municipality.id
                    ),
                    None,
                )
                if settlement is not None and row["alias"] != settlement.name:
                    place = Place("settlement", settlement.name, settlement.municipality_id, settlement)
                    found[row["alias"]] += (place,)
        return dict(found)

    def _build_municipalities(self, reference: ReferenceData) -> None:
        for municipality in reference.municipalities:
            if municipality.name.endswith(("ский", "цкий", "ской")):
                for form in adjective_forms(municipality.name):
                    self.municipality_by_adjective[form] = municipality.id
        for adjective, target in ADJECTIVE_ALIASES.items():
            found = reference.municipality_by_name(target)
            if found is not None:
                for form in adjective_forms(adjective):
                    self.municipality_by_adjective[form] = found.id

    def _build_districts(self, reference: ReferenceData) -> None:
        with (nlp_data_dir() / "city_districts.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                municipality = reference.municipality_by_name(row["municipality"])
                if municipality is None:
                    continue
                place = Place("district", row["name"], municipality.id)
                self._add(row["name"], (place,), needs_keyword=row["needs_keyword"] == "yes")

    def _build_town_adjectives(self, reference: ReferenceData) -> None:
        """The towns' and district centres' adjectives (data/nlp/place_adjectives.csv, hand-checked)."""
        with (nlp_data_dir() / "place_adjectives.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            municipality = reference.municipality_by_name(row["municipality"])
            if municipality is None:
                continue
            place = self._adjective_place(reference, row["settlement"], municipality.id, row["municipality"])
            surname = "Surn" in grammemes(_fold(row["adjective"]))
            for form in adjective_forms(row["adjective"]):
                if surname and form.endswith(_MASCULINE_SINGULAR) and not form.endswith(("ой",)):
                    continue  # «театр Островского», «Островский сказал»: the playwright, not the district
                self.town_by_adjective[form] = Entry((form,), (place,), 0, adjective=True)

    def _build_settlement_adjectives(self, reference: ReferenceData) -> None:
        """The regular adjective of every settlement («Антропово» → антроповский, «Никольское» → никольский) unless
        the name is a common word («Центральный», «Новое», «Советское») or it is a town's adjective of
        place_adjectives.csv; «Матвеевская», «Богородская» are dictionary adjectives too, but before an institution's
        noun they are the village's."""
        by_adjective: dict[str, list[Place]] = defaultdict(list)
        for settlement in reference.settlements:
            adjective = settlement_adjective(settlement.name)
            if adjective is None:
                continue
            common = is_dictionary_word(adjective) and is_dictionary_word(_fold(settlement.name))
            if common and not adjective.endswith(_NAMED_ADJECTIVES):
                continue  # «Лесной», «Советское», «Холм»: the name is a common word, and so is its adjective
            by_adjective[adjective].append(Place("settlement", settlement.name, settlement.municipality_id, settlement))
        for adjective, places in by_adjective.items():
            for form in adjective_forms(adjective):
                if form not in self.town_by_adjective:
                    self.settlement_by_adjective[form] = Entry((form,), tuple(places), 0, adjective=True)

    @staticmethod
    def _adjective_place(reference: ReferenceData, name: str, municipality_id: str, municipality: str) -> Place:
        settlement = next(
            (s for s in reference.settlements if s.name == name and s.municipality_id == municipality_id), None
        )
        if settlement is None:
            return Place("municipality", municipality, municipality_id)
        return Place("settlement", settlement.name, municipality_id, settlement)


def data_fingerprint() -> bytes:
    """What the built gazetteer depends on besides the reference data: its format and its data files."""
    return GAZETTEER_FORMAT.encode() + b"".join((nlp_data_dir() / name).read_bytes() for name in DATA_FILES)
