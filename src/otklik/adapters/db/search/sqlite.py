"""SQLite: the search text as an FTS5 query of lemmas, ranked by bm25; the highlight computed here.

FTS5's own highlight() would mark the indexed lemmas, not the words the person wrote; so the masked text is
marked here, word by word, with the same lemmas (the index itself: sqlite_schema.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, Integer, Select, Text, column, func, literal, literal_column, select, table

from otklik.adapters.db.search.lemmas import candidates, lemmas, word_spans
from otklik.adapters.db.search.marks import START, STOP, unmarked
from otklik.adapters.db.search.sqlite_schema import TABLE

_TOKEN = re.compile(r'"[^"]*"?|\S+')
_WINDOW_WORDS = 30  # about ts_headline's MaxWords, so both databases show fragments of a like size
_BEFORE_HIT = 6

appeal_search = table(TABLE, column("rowid", Integer), column("lemmas"))


@dataclass
class FtsQuery:
    """The search text in FTS5 syntax (`expression`), and the lemmas a highlight marks."""

    expression: str | None
    positive: set[str] = field(default_factory=set)


def fts_query(raw: str) -> FtsQuery:
    """websearch_to_tsquery's language, lemmatised: words (AND), "a phrase", `or`, `-word`; stop words dropped.

    A group with nothing to find (only stop words, only negations) finds nothing, as an empty tsquery does."""
    groups: list[str] = []
    positive: set[str] = set()
    wanted: list[str] = []
    unwanted: list[str] = []
    for token in [*_TOKEN.findall(raw), "or"]:
        if token.lower() == "or":
            if wanted:
                groups.append("(" + " AND ".join(wanted) + "".join(f" NOT {n}" for n in unwanted) + ")")
            wanted, unwanted = [], []
            continue
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        if body.startswith('"'):
            phrase = lemmas(body)
            clauses = [f'lemmas : "{" ".join(phrase)}"'] if phrase else []
            words = set(phrase)
        else:
            forms = [found for word, _, _ in word_spans(body) if (found := candidates(word))]
            clauses = [_any_of(form) for form in forms]
            words = {name for form in forms for name in form}
        if negated:
            unwanted.extend(clauses)
        else:
            wanted.extend(clauses)
            positive.update(words)
    return FtsQuery(" OR ".join(groups) or None, positive)


def _any_of(forms: tuple[str, ...]) -> str:
    quoted = [f'"{form}"' for form in forms]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def hits(query: FtsQuery) -> Select[Any]:
    """(appeal_id, rank) of the matching appeals; lower bm25 is better (a likely lemma weighs twice an alternative)."""
    return (
        select(
            appeal_search.c.rowid.label("appeal_id"),
            func.bm25(literal_column(TABLE), 1.0, 0.5, type_=Float).label("rank"),
        )
        .select_from(appeal_search)
        .where(literal_column(TABLE).op("MATCH")(literal(query.expression or "", Text)))
    )


def highlight(text_masked: str, query: FtsQuery) -> str | None:
    """A fragment of the masked text around the first hit, the hits between marker characters; None without one."""
    clean = unmarked(text_masked)
    spans = list(word_spans(clean))
    marked = [i for i, (word, _, _) in enumerate(spans) if not query.positive.isdisjoint(candidates(word))]
    if not marked:
        return None
    first = max(0, marked[0] - _BEFORE_HIT) if len(spans) > _WINDOW_WORDS else 0
    last = min(len(spans), first + _WINDOW_WORDS)
    start = spans[first][1] if first else 0
    end = spans[last - 1][2] if last < len(spans) else len(clean)
    pieces: list[str] = ["… "] if first else []
    cursor = start
    for index in marked:
        if first <= index < last:
            _, begin, finish = spans[index]
            pieces += [clean[cursor:begin], START, clean[begin:finish], STOP]
            cursor = finish
    pieces.append(clean[cursor:end])
    if last < len(spans):
        pieces.append(" …")
    return "".join(pieces)
