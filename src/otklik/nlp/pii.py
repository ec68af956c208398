"""Personal data in a text: phones, e-mails, document numbers and people's names, and their masking."""

from __future__ import annotations

import re

from otklik.domain.analysis import PersonalDataSpan
from otklik.nlp.text.lemmas import grammemes

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")),
    ("snils", re.compile(r"(?<!\d)\d{3}[- ]?\d{3}[- ]?\d{3}[- ]\d{2}(?!\d)")),
    (
        "passport",
        re.compile(r"(?i)паспорт\w{0,3}[^\d\n]{0,30}?(\d{2}\s?\d{2}\s?(?:№|N|номер)?\s?\d{6})(?!\d)"),
    ),
    ("phone", re.compile(r"(?<![\d+])(?:\+7|8|7)[\s(.-]{0,2}\d{3}[\s).-]{0,2}\d{3}[\s.-]?\d{2}[\s.-]?\d{2}(?!\d)")),
    ("phone", re.compile(r"(?<![\d.,/-])\d{1,3}-\d{2}-\d{2}(?![\d.,/-])")),
    ("card", re.compile(r"(?<!\d)(?:\d{4}[ -]?){3}\d{4}(?!\d)")),
    ("inn", re.compile(r"(?i)инн\s?:?\s?(\d{10}|\d{12})(?!\d)")),
)
_NAME_TOKEN = re.compile(r"[А-ЯЁ][а-яё]{1,30}(?:-[А-ЯЁ][а-яё]{1,30})?")
_INITIALS = re.compile(r"[А-ЯЁ][а-яё]{2,30}\s[А-ЯЁ]\.\s?[А-ЯЁ]\.|[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]{2,30}")
_CALLED = re.compile(r"(?i)(?:меня зовут|с уважением,?|моя фамилия)\s+([А-ЯЁ][а-яё]+(?:\s[А-ЯЁ][а-яё]+){0,2})")
_PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})


_DIGIT = re.compile(r"\d")
# The fewest digits (`\d`) a match of each pattern holds, counted by hand from the patterns above (e.g. СНИЛС
# 3+3+3+2): a text with fewer digits skips the pattern — most texts hold a house number at most. Keyed by the
# pattern's source, so an edited pattern loses its shortcut instead of keeping a wrong one.
_MIN_DIGITS = {
    pattern.pattern: digits for (_, pattern), digits in zip(_PATTERNS, (0, 11, 10, 11, 5, 16, 10), strict=True)
}


def _regex_spans(text: str) -> list[PersonalDataSpan]:
    spans = []
    digits, at = len(_DIGIT.findall(text)), "@" in text
    for kind, pattern in _PATTERNS:
        if digits < _MIN_DIGITS.get(pattern.pattern, 0) or (kind == "email" and not at):
            continue  # the e-mail pattern needs an «@»
        for match in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            spans.append(PersonalDataSpan(kind, match.start(group), match.end(group)))
    return spans


def _name_runs(text: str) -> list[PersonalDataSpan]:
    """Runs of 2–3 capitalised words that pymorphy3 reads as first names, surnames or patronymics."""
    spans: list[PersonalDataSpan] = []
    run: list[tuple[int, int, frozenset[str]]] = []
    for match in [*_NAME_TOKEN.finditer(text), None]:
        if match is not None:
            tags = grammemes(match.group(0).lower()) & _PERSON_TAGS
            adjacent = not run or text[run[-1][1] : match.start()].strip() == ""
            if tags and adjacent:
                run.append((match.start(), match.end(), tags))
                continue
        if len(run) >= 2 and any({"Name", "Patr"} & tags for *_, tags in run):
            spans.append(PersonalDataSpan("name", run[0][0], run[-1][1]))
        run = []
        if match is not None and grammemes(match.group(0).lower()) & _PERSON_TAGS:
            run = [(match.start(), match.end(), grammemes(match.group(0).lower()) & _PERSON_TAGS)]
    return spans


def find_personal_data(text: str) -> tuple[PersonalDataSpan, ...]:
    """Non-overlapping spans of personal data, in text order (earlier and longer spans win)."""
    found = _regex_spans(text) + _name_runs(text)
    found += [PersonalDataSpan("name", m.start(), m.end()) for m in _INITIALS.finditer(text)]
    found += [PersonalDataSpan("name", m.start(1), m.end(1)) for m in _CALLED.finditer(text)]
    chosen: list[PersonalDataSpan] = []
    for span in sorted(found, key=lambda s: (s.start, -(s.end - s.start))):
        if not chosen or span.start >= chosen[-1].end:
            chosen.append(span)
    return tuple(chosen)


def mask(text: str, spans: tuple[PersonalDataSpan, ...]) -> str:
    """The text with each span replaced by a placeholder such as «[телефон]»."""
    parts, position = [], 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(f"[{PLACEHOLDERS.get(span.kind, span.kind)}]")
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


PLACEHOLDERS = {
    "phone": "телефон",
    "email": "email",
    "snils": "СНИЛС",
    "passport": "паспорт",
    "card": "карта",
    "inn": "ИНН",
    "name": "ФИО",
}
