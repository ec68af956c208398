"""Street and house number in Russian address phrases («ул. Ленина, д. 5», «на улице Советской 12»)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from otklik.nlp.text.lemmas import morph

_KIND = (
    r"(?i:(?P<kind>ул(?:\.|иц[аеуыо]й?\b|\b)|пр-?т\b\.?|просп(?:\.|ект[аеу]?\b)|пер(?:\.|еул(?:\.|ок|ке|ка)\b)"
    r"|пл(?:\.|ощад[ьи]\b)|ш\.|шоссе\b|б-р\b|бульвар[аеу]?\b|наб(?:\.|ережн(?:ая|ой)\b)|проезд[ае]?\b"
    r"|мкр(?:\.|-н\b|\b)|микрорайон[ае]?\b|тупик[ае]?\b))"
)
_NAME = r"(?P<name>(?:\d{1,2}-?(?:го|й|я|ой)?\s)?[А-ЯЁA-Z0-9][\w.-]*(?:\s(?!д\b|дом)[А-ЯЁ][\w-]*){0,2})"
_HOUSE = (
    r"(?:,?\s*(?:д\.|дом[ау]?|д\b)?\s*(?:№\s*)?"
    r"(?P<house>\d{1,4}(?:[а-дА-Д]\b|\s[А-Д]\b)?(?:/\d{1,3})?(?:\s?к(?:орп)?\.?\s?\d{1,2})?))?"
)
_ADDRESS = re.compile(_KIND + r"\s*" + _NAME + _HOUSE)
_ADDRESS_AFTER = re.compile(
    r"(?P<name>[А-ЯЁ][а-яё]+(?:ая|ое|ий|ый|ой))\s+(?P<kind>улица|улице|шоссе|проспект|переулок|бульвар|набережная)"
    + _HOUSE
)
# People type fast: «ул.ленина 5», «пр-т мира». Only after an abbreviation — «на улице холодно» is no street.
# «Проспект» is never said of anything but a street: «на проспекте мира» is one without a house number too.
_ADDRESS_LOWER = re.compile(
    r"(?i:(?<![\w-])(?P<kind>ул\.|пр-т\.?|просп\.|пер\.|пл\.|наб\.|мкр\.?|проспект[аеу]?(?=\s)))\s*"
    r"(?P<name>[а-яё][а-яё-]{2,})(?![\w-])" + _HOUSE
)
# After the full word a lowercase name is a street only with a house number: «на улице ленина 5», not «на улице
# холодно».
# «пр. текстильщиков 12»: «пр.» is also «прочее», so with a house number only, like the full words.
_ADDRESS_LOWER_FULL = re.compile(
    r"(?i:(?<![\w-])(?P<kind>(?:улиц[аеуы]|проспект[аеу]?|переул(?:ок|ке|ка)|бульвар[аеу]?|набережн(?:ая|ой))(?=\s)"
    r"|пр\.))\s*(?P<name>[а-яё][а-яё-]{2,}(?:\s[а-яё][а-яё-]{2,})?)\s*,?\s*(?:д\.|дом[ау]?|д\b)?\s*(?:№\s*)?"
    r"(?P<house>\d{1,4}(?:[а-дА-Д]\b)?(?:/\d{1,3})?)(?![\d.,]\d)"
)
# Street words that may follow a name: «Галичская улица», «Сусанинская площадь».
STREET_WORDS_AFTER = frozenset(
    [
        "улица",
        "улице",
        "улицы",
        "улицу",
        "ул",
        "площадь",
        "площади",
        "шоссе",
        "проспект",
        "проспекте",
        "переулок",
        "переулке",
        "бульвар",
        "бульваре",
        "набережная",
        "набережной",
        "проезд",
        "проезде",
        "тупик",
    ]
)
_LOWER_START = re.compile(r"^(?:\d{1,2}-?(?:го|й|я|ой)?\s)?[а-яё]")
_STREET_NOUNS = ("ул", "улиц")
_HINT = re.compile(r"(?i)ул|пр|пер|пл|ш\.|шосс|б-р|бульв|наб|проезд|мкр|микрор|тупик")


@dataclass(frozen=True)
class Address:
    street: str
    house: str | None


@lru_cache(maxsize=20_000)
def _nominative(name: str, kind: str) -> str:
    """«Советской» → «Советская» for adjectival street names after «улица»; other names as written."""
    words = name.split()
    last = words[-1]
    if not kind.lower().startswith(_STREET_NOUNS) or not last[:1].isupper():
        return name
    for parse in morph().parse(last.lower())[:2]:
        if ("ADJF" in parse.tag or ("Surn" in parse.tag and last.endswith(("ской", "цкой")))) and "femn" in parse.tag:
            inflected = parse.inflect({"nomn", "femn", "sing"})
            if inflected is not None:
                words[-1] = str(inflected.word).capitalize()
                return " ".join(words)
    return name


def find_address(text: str) -> Address | None:
    """The first street (with house number when given) in the text."""
    return scan_streets(text)[0]


def street_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the street names written in the text («ул. Галичская» is a street, not Галич)."""
    return scan_streets(text)[1]


def scan_streets(text: str) -> tuple[Address | None, list[tuple[int, int]]]:
    """The first street of the text and the spans of all street names, from one pass of each pattern."""
    if not _HINT.search(text):
        return None, []
    full = [*_ADDRESS.finditer(text), *_ADDRESS_AFTER.finditer(text)]
    spans = [match.span("name") for match in full]
    address = _first_address(sorted(full, key=lambda m: m.start()))
    if address is not None:
        return address, spans
    # Lowercase streets only when no capitalised one was written (the case-blind patterns are the slow ones).
    lower = [*_ADDRESS_LOWER.finditer(text), *_ADDRESS_LOWER_FULL.finditer(text)]
    return _lowercase_address(lower), spans + [match.span("name") for match in lower]


def _first_address(matches: list[re.Match[str]]) -> Address | None:
    for match in matches:
        name = match.group("name").strip(" .,-")
        if not name or _LOWER_START.match(name) or name.isdigit():
            continue
        house = match.group("house")
        street = _nominative(name, match.group("kind"))
        if match.re is _ADDRESS_AFTER and not match.group("kind").startswith("улиц"):
            street = f"{name} {match.group('kind')}"
        return Address(street, house.replace(" ", "") if house else None)
    return None


@lru_cache(maxsize=20_000)
def _not_a_name(word: str) -> bool:
    """«на проспекте живут», «пр-т был»: a verb, pronoun or function word after the street word is no street's name."""
    parse = morph().parse(word)[0]
    return parse.tag.POS in ("VERB", "INFN", "GRND", "PRTS", "PREP", "CONJ", "PRCL", "NPRO", "ADVB", "INTJ")


def _lowercase_address(matches: list[re.Match[str]]) -> Address | None:
    """«ул.ленина 5» first (an abbreviation), then «на улице ленина 5» (a full word and a house number)."""
    matches = [m for m in matches if m.group("house") or not _not_a_name(m.group("name").lower())]
    if not matches:
        return None
    match = matches[0]
    name = match.group("name").capitalize()
    house = match.group("house")
    return Address(_nominative(name, match.group("kind")), house.replace(" ", "") if house else None)


# A street named without the word «улица» (people leave it out): «на мещанской», «по Коммунистической», «на
# Голубкова 19», «в Пятерочке на Шагова». Only asked when the text names no place (the street-only rule).
_BARE = re.compile(r"(?<![\w-])(?:на|по)\s+(?P<name>[А-ЯЁа-яё][а-яё-]{3,})(?:\s+(?P<next>[\w-]+))?")
_NOT_STREET_ADJECTIVES = frozenset({"Apro", "Anum", "Supr"})  # «на этой», «на пятой», «на самой»


def bare_street(text: str) -> str | None:
    """The first street written without a street word, in its nominative, or None."""
    for match in _BARE.finditer(text):
        name, following = match.group("name"), match.group("next") or ""
        capitalised = name[:1].isupper() and not _sentence_start(text, match.start("name"))
        if following[:1].isdigit() or capitalised:
            if _is_street_name(name.lower(), following):
                return _nominative(name.capitalize(), "улица")
        elif match.group(0).startswith("на") and _elliptic_street(name.lower(), following.lower()):
            return _nominative(name.capitalize(), "улица")  # «по новой» (again) is an idiom: «по» needs a capital
    return None


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?\n"


@lru_cache(maxsize=20_000)
def _is_street_name(word: str, following: str) -> bool:
    """«на Голубкова 19», «на Шагова»: a surname in the genitive or a street adjective, capitalised or numbered."""
    for parse in morph().parse(word)[:3]:
        if "Surn" in parse.tag and "gent" in parse.tag:
            return True
    return _elliptic_street(word, following.lower())


@lru_cache(maxsize=20_000)
def _elliptic_street(word: str, following: str) -> bool:
    """«на мещанской», «по коммунистической»: a feminine singular adjective in the case the preposition asks for,
    with no noun after it that it agrees with (that noun would be what it describes: «на прошлой неделе»)."""
    # «на пятницкой», «на никитской»: pymorphy3 reads some street adjectives as a woman's surname in -ская; declined
    # like an adjective, they are the same street
    adjectival_surname = word.endswith(("ской", "цкой"))
    adjectives = [
        p.tag
        for p in morph().parse(word)[:3]
        if (p.tag.POS == "ADJF" or (adjectival_surname and "Surn" in p.tag.grammemes))
        and p.tag.gender == "femn"
        and p.tag.number == "sing"
        and p.tag.case in ("loct", "datv")
        and not _NOT_STREET_ADJECTIVES & p.tag.grammemes
    ]
    if not adjectives:
        return False
    if not following:
        return True
    nouns = [p.tag for p in morph().parse(following)[:3] if p.tag.POS == "NOUN"]
    return not any(n.case == a.case and n.number == "sing" for a in adjectives for n in nouns)
