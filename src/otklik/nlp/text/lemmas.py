"""Tokens and pymorphy3 lemmas with caches: the only place the engine calls the morphological analyser."""

from __future__ import annotations

import itertools
import re
import sys
from functools import lru_cache

import pymorphy3

_WORD = re.compile(r"[а-яёa-z0-9]+(?:-[а-яёa-z0-9]+)*", re.IGNORECASE)
_MORPH: pymorphy3.MorphAnalyzer | None = None
_CACHE_SIZE = 200_000
# Few distinct grammeme sets exist (a few thousand), but every cached word held its own copy of its set and of
# every tag string: 1.7 KB a word, 340 MB per process with the caches full (docs/processes.md, soak). One shared
# set per distinct combination keeps a word's entry to its key and a reference.
_GRAMMEME_SETS: dict[frozenset[str], frozenset[str]] = {}


def morph() -> pymorphy3.MorphAnalyzer:
    global _MORPH
    if _MORPH is None:
        _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


def words(text: str) -> list[str]:
    """Word tokens in lower case (hyphenated words kept whole)."""
    return _WORD.findall(text.lower().replace("ё", "е"))


def has_words(text: str) -> bool:
    """`bool(words(text))` without listing them."""
    return _WORD.search(text.lower().replace("ё", "е")) is not None


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Word tokens as written, with their character offsets."""
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


@lru_cache(maxsize=_CACHE_SIZE)
def lemma(word: str) -> str:
    """The most probable normal form of a lower-case word (Latin and numbers unchanged)."""
    if not word or not ("а" <= word[0] <= "я" or word[0] == "ё") or len(word) > 40:
        return word
    if "-" in word:
        return "-".join(lemma(part) if len(part) > 3 else part for part in word.split("-"))
    return str(morph().parse(word)[0].normal_form).replace("ё", "е")


@lru_cache(maxsize=_CACHE_SIZE)
def lemma_candidates(word: str) -> frozenset[str]:
    """Every normal form pymorphy3 considers for a lower-case word, and the word itself."""
    if not word or len(word) > 40:
        return frozenset({word})
    if "-" in word:
        return frozenset({word, lemma(word)})
    forms = {str(p.normal_form).replace("ё", "е") for p in morph().parse(word)[:4]}
    forms.add(word)
    return frozenset(forms)


@lru_cache(maxsize=_CACHE_SIZE)
def grammemes(word: str) -> frozenset[str]:
    """Grammemes of all parses of a lower-case word (e.g. Name, Surn, Patr, Geox, NOUN)."""
    tags: set[str] = set()
    for parse in morph().parse(word)[:4]:
        tags.update(sys.intern(tag) for tag in str(parse.tag).replace(" ", ",").split(","))
    found = frozenset(tags)
    return _GRAMMEME_SETS.setdefault(found, found)


def is_known_person_name(word: str) -> bool:
    """True when pymorphy3 knows the word (not only guesses it) as a first name, surname or patronymic."""
    return any(
        parse.is_known and {"Name", "Surn", "Patr"} & set(str(parse.tag).replace(" ", ",").split(","))
        for parse in morph().parse(word)[:4]
    )


@lru_cache(maxsize=50_000)
def is_dictionary_word(word: str) -> bool:
    """True when pymorphy3 knows the word as a common (not geographic or personal) word."""
    parses = morph().parse(word)
    for parse in parses[:3]:
        tag = str(parse.tag)
        if parse.is_known and not any(g in tag for g in ("Geox", "Name", "Surn", "Patr", "Orgn")):
            return True
    return False


def lemmatize(text: str) -> list[str]:
    return [lemma(w) for w in words(text)]


def lemma_analyzer(text: str) -> list[str]:
    """Analyzer of the word TF-IDF: lemmas and lemma bigrams (module-level so that models pickle)."""
    lemmas = [w for w in lemmatize(text) if len(w) > 1]
    return lemmas + [f"{a} {b}" for a, b in itertools.pairwise(lemmas)]
