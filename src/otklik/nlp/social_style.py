"""Portal appeals rewritten the way people write under an official's post (positives for the appeal detector).

Each variant keeps the citizen's complaint word for word and changes only the register: the greeting and the
request sentence («Прошу …», «Примите меры») dropped when something else remains, lower case, no final full stop,
and one ending of social-media replies (exclamations, «опять», a rhetorical question). The choice is made by a
hash of the text, so the variants are deterministic. See docs/detection.md («VK-style variants»).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from razdel import sentenize

_GREETING = re.compile(r"^(?:добрый (?:день|вечер|утро)|доброе утро|здравствуйте|привет)[.!,]?\s*", re.IGNORECASE)
_REQUEST = re.compile(
    r"^(?:прошу|просим|примите меры|пожалуйста|требуется|необходимо|нужно|помогите|разберитесь)", re.IGNORECASE
)
_ENDINGS = (
    "!!!",
    "!",
    ", сколько можно?",
    ", это нормально?",
    ", это как вообще?",
    ". и так каждый раз",
    ", когда уже сделают?",
    " опять!",
    ". кому это надо?",
    "",
)
_OPENINGS = ("", "", "", "опять ", "снова ", "у нас ")


def _pick(text: str, options: tuple[str, ...], salt: str) -> str:
    digest = hashlib.sha1((salt + text).encode("utf-8")).digest()
    return options[digest[0] % len(options)]


def _without_request(text: str) -> str:
    """The sentences that state the problem: greetings and request sentences dropped when others remain."""
    sentences = [s.text.strip() for s in sentenize(_GREETING.sub("", text.strip()))]
    stated = [s for s in sentences if s and not _REQUEST.match(s)]
    return " ".join(stated) if stated else " ".join(sentences)


def social_variant(text: str) -> str:
    """One deterministic VK-style rewrite of a portal appeal."""
    core = _without_request(text).lower().rstrip(" .;,")
    if not core:
        return ""
    return _pick(text, _OPENINGS, "open") + core + _pick(text, _ENDINGS, "end")


def social_variants(texts: Iterable[str]) -> list[str]:
    """Variants that differ from their source (the identical ones add nothing)."""
    result = []
    for text in texts:
        variant = social_variant(text)
        if variant and variant != text:
            result.append(variant)
    return result
