"""Roads named in a message: «трасса Кострома — Шарья», «дорога между Галичем и Чухломой», «45 км трассы Р-243»."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = r"[а-яё]+(?:-на-[а-яё]+)?"
_ROAD_WORD = r"(?:трасс|автотрасс|автодорог|дорог|а/д|шоссе|направлени|участ(?:ок|ке|ка)\s+дорог)[а-яё]*"
# «на дороге между Галичем и Чухломой», «трасса от Буя до Галича».
_BETWEEN_WORDS = re.compile(
    rf"(?i)(?<![\w-]){_ROAD_WORD}\s+(?:между\s+(?P<a>{_NAME})\s+и\s+(?P<b>{_NAME})"
    rf"|от\s+(?P<c>{_NAME})\s+до\s+(?P<d>{_NAME}))"
)
# «трасса Кострома — Шарья», «автобус Судиславль - Кострома», «Пыщуг - Шарья дорога», «а/д «Кострома – Иваново»»,
# «Галич-Чухлома»: two names joined by a dash are a road or a route whatever word comes with them (the locator
# keeps the pair only when both are settlements). Found from the dash outwards: one cheap scan of the text.
_PAIR_DASH = re.compile(r"\s-{1,2}\s|[—–−]|(?<=[а-яёА-ЯЁ])-(?=[А-ЯЁ])")
_LEFT = re.compile(r"(?<![\w-])([а-яёА-ЯЁ]+(?:-на-[а-яёА-ЯЁ]+)?)[\s«\"„]*$")
_RIGHT = re.compile(r"[\s«\"„]*([а-яёА-ЯЁ]+(?:-на-[а-яёА-ЯЁ]+)?(?:\s[А-ЯЁ][а-яё]+)?)(?![\w-])")
_ROAD_HINTS = ("трасс", "дорог", "а/д", "шоссе", "направлен", "участ")
_ROUTE_HINTS = ("автобус", "маршрут", "рейс", "электричк")
# «автобус волгореченск кострома»: a route word followed by two names without a dash.
_ROUTE_PAIR = re.compile(
    rf"(?i)(?<![\w-])(?:автобус|маршрут|рейс|электричк|маршрутк)[а-яё]*\s+(?:№?\s*\d+[а-я]?\s+)?"
    rf"(?P<a>{_NAME})\s+(?P<b>{_NAME})(?![\w-])"
)
# Federal and regional road numbers: Р-243, Р-600, А-113 (Cyrillic or Latin letter, hyphen optional after «трасса»).
# The letter first (no look-behind): the engine skips to capital Р/А quickly; the character before is checked after.
_CODE = re.compile(r"(?P<letter>[РPАA])(?:-|\s?-\s?)(?P<number>\d{2,3})(?![\w-])")
_CODE_AFTER_WORD = re.compile(rf"(?i)(?<![\w-]){_ROAD_WORD}\s+(?P<letter>[рpаa])\s?(?P<number>\d{{2,3}})(?![\w-])")
_KM = re.compile(r"(?i)(?<![\w.,])(?P<km>\d{1,3})(?:[.,]\d{1,3})?\s?(?:-?(?:м|ом|й|ый))?\s?(?:км|километр)")
_WORDY = re.compile(r"[\w-]")
_DIGIT = re.compile(r"\d")
_CYRILLIC = {"P": "Р", "p": "Р", "A": "А", "a": "А", "р": "Р", "а": "А"}


@dataclass(frozen=True)
class RoadEnds:
    """Two names written as the ends of a road, with their character spans in the text."""

    first: str
    second: str
    spans: tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class RoadMention:
    code: str | None  # «Р-243»
    km: int | None  # «на 45 км»
    ends: tuple[RoadEnds, ...]  # candidates; the locator keeps those that are settlements


def find_road(text: str) -> RoadMention | None:
    """The road the text speaks of, if it names one by its ends or its number."""
    lowered = text.lower()
    ends = _dash_pairs(text)
    road_word = any(hint in lowered for hint in _ROAD_HINTS)
    if road_word and ("между" in lowered or " до " in lowered):
        ends += _ends(_BETWEEN_WORDS, text, "a", "b") + _ends(_BETWEEN_WORDS, text, "c", "d")
    if any(hint in lowered for hint in _ROUTE_HINTS):
        ends += _ends(_ROUTE_PAIR, text, "a", "b")
    code = _code(text, road_word)
    if not ends and code is None:
        return None
    km = _KM.search(text)
    return RoadMention(code, int(km.group("km")) if km else None, tuple(ends))


def _ends(pattern: re.Pattern[str], text: str, first: str, second: str) -> list[RoadEnds]:
    found = []
    for match in pattern.finditer(text):
        if match.group(first) is None or match.group(second) is None:
            continue
        found.append(RoadEnds(match.group(first), match.group(second), (match.span(first), match.span(second))))
    return found


def _dash_pairs(text: str) -> list[RoadEnds]:
    found = []
    for dash in _PAIR_DASH.finditer(text):
        start, end = dash.span()
        left = _LEFT.search(text, max(0, start - 40), start)
        right = _RIGHT.match(text, end, min(len(text), end + 60))
        if left and right:
            found.append(RoadEnds(left.group(1), right.group(1), (left.span(1), right.span(1))))
    return found


def _code(text: str, road_word: bool) -> str | None:
    match = next((m for m in _CODE.finditer(text) if m.start() == 0 or not _WORDY.match(text, m.start() - 1)), None)
    if match is None and road_word and _DIGIT.search(text):
        match = _CODE_AFTER_WORD.search(text)
    if match is None:
        return None
    letter = _CYRILLIC.get(match.group("letter"), match.group("letter"))
    return f"{letter}-{match.group('number')}"
