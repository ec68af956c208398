"""The person's search text, checked once for both databases: its length, no NUL, and whether it has words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from otklik.domain.errors import InvalidInput

MAX_QUERY_LENGTH = 200
_NUMBER = re.compile(r"^\d{2}-\d{4}-\d{6,}$")  # as domain/numbering.py: a sequence past 999999 grows
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class SearchText:
    """`text` as typed (trimmed); `has_words` false for a text of only punctuation or operators (`%`, `-`, `"`),
    which finds nothing (an appeal number has words), as an empty tsquery does."""

    text: str
    has_words: bool
    is_number: bool = False  # exactly an appeal number (44-2026-000123): found by its unique index alone


def search_text(raw: str) -> SearchText:
    text = raw.strip()
    if "\x00" in text:
        raise InvalidInput("q must not contain the NUL character")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"q is {len(text)} characters long; at most {MAX_QUERY_LENGTH} are searched")
    return SearchText(text, _WORD.search(text) is not None, _NUMBER.match(text) is not None)
