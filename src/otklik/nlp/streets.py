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
_ADDRESS_LOWER = re.compile(
    r"(?i:(?<![\w-])(?P<kind>ул\.|пр-т\.?|просп\.|пер\.|пл\.|наб\.|мкр\.?))\s*(?P<name>[а-яё][а-яё-]{2,})(?![\w-])"
    + _HOUSE
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
        if "ADJF" in parse.tag and "femn" in parse.tag:
            inflected = parse.inflect({"nomn", "femn", "sing"})
            if inflected is not None:
                words[-1] = str(inflected.word).capitalize()
                return " ".join(words)
    return name


def find_address(text: str) -> Address | None:
    """The first street (with house number when given) in the text."""
    if not _HINT.search(text):
        return None
    matches = sorted([*_ADDRESS.finditer(text), *_ADDRESS_AFTER.finditer(text)], key=lambda m: m.start())
    for match in matches:
        name = match.group("name").strip(" .,-")
        if not name or _LOWER_START.match(name) or name.isdigit():
            continue
        house = match.group("house")
        street = _nominative(name, match.group("kind"))
        if match.re is _ADDRESS_AFTER and not match.group("kind").startswith("улиц"):
            street = f"{name} {match.group('kind')}"
        return Address(street, house.replace(" ", "") if house else None)
    return _lowercase_address(text)


def _lowercase_address(text: str) -> Address | None:
    match = _ADDRESS_LOWER.search(text)
    if match is None:
        return None
    name = match.group("name").capitalize()
    house = match.group("house")
    return Address(_nominative(name, match.group("kind")), house.replace(" ", "") if house else None)
