"""Lemmas for the SQLite index and its queries: the same function on both sides, so word forms meet.

The understanding engine has its own lemma cache (nlp/text/lemmas.py), but storage may not import the engine
(the layer contract); this is the storage's own small use of pymorphy3, created only when SQLite searches."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pymorphy3

_WORD = re.compile(r"[а-яёa-z0-9]+(?:-[а-яёa-z0-9]+)*", re.IGNORECASE)
# Function words, as PostgreSQL's `russian` stop list drops them: prepositions, conjunctions, particles,
# interjections, pronouns, and the verb «быть». Chosen by part of speech, so no word list is copied in.
_STOP_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})
_STOP_LEMMAS = frozenset({"быть"})
_PARSES = 4  # as nlp/text/lemmas.lemma_candidates
_MORPH: pymorphy3.MorphAnalyzer | None = None


def _morph() -> pymorphy3.MorphAnalyzer:
    global _MORPH
    if _MORPH is None:
        _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str | None:
    """The most probable normal form of a word (any case, ё or е), or None for a stop word."""
    found = candidates(word)
    return found[0] if found else None


@lru_cache(maxsize=200_000)
def candidates(word: str) -> tuple[str, ...]:
    """Every normal form pymorphy3 considers for a word, the most probable first; () for a stop word.

    «ямы» is most probably a form of «ям», and also of «яма»: the index keeps both, so «яма» finds it."""
    folded = word.lower().replace("ё", "е")
    if not folded or not ("а" <= folded[0] <= "я") or len(folded) > 40:
        return (folded,) if folded else ()  # Latin, numbers: as written
    if "-" in folded:
        return ("-".join(lemma(part) or part for part in folded.split("-")),)
    parses = _morph().parse(folded)
    if parses[0].tag.POS in _STOP_POS or str(parses[0].normal_form) in _STOP_LEMMAS:
        return ()
    return tuple(dict.fromkeys(str(p.normal_form).replace("ё", "е") for p in parses[:_PARSES]))


def word_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Words as written, with their offsets."""
    for match in _WORD.finditer(text):
        yield match.group(0), match.start(), match.end()


def lemmas(text: str) -> list[str]:
    """The most probable lemma of each word of a text, stop words left out."""
    return [found for word, _, _ in word_spans(text) if (found := lemma(word)) is not None]


def index_lemmas(text: str | None) -> str:
    """The FTS5 `lemmas` column: each word's most probable lemma, in order (phrases match here)."""
    return " ".join(lemmas(text or ""))


def index_alternatives(text: str | None) -> str:
    """The FTS5 `alternatives` column: the other lemmas a word may have."""
    return " ".join(other for word, _, _ in word_spans(text or "") for other in candidates(word)[1:])
