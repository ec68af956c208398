"""PostgreSQL: the `russian` text search configuration over the stored `appeals.search_vector` (GIN index)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Float, Text, func, literal, literal_column

from otklik.adapters.db.search.marks import START, STOP
from otklik.adapters.db.tables.appeals import appeals

# A generated column made by the migration `fts_russian_search` (to_tsvector('russian', text_masked)); not in the
# table declaration, so the ORM never writes it and SQLite never sees it.
SEARCH_VECTOR: ColumnElement[Any] = literal_column("appeals.search_vector")
# The appeal's UTC day, keyed in the scoped word index (migration `0016_search_windows`): written exactly as the
# index's expression, or PostgreSQL does not match them; its 'UTC' is a literal for the same reason.
_created_day: ColumnElement[date] = literal_column("((appeals.created_at AT TIME ZONE 'UTC')::date)", Date)
_CONFIG: ColumnElement[Any] = literal_column("'russian'::regconfig")
_HEADLINE_OPTIONS = (
    f'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)


def created_on(day: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Appeals registered on this UTC day (a value, or a column of days): one key of the scoped word index."""
    return _created_day == day


def _query(text: str) -> ColumnElement[object]:
    return func.websearch_to_tsquery(_CONFIG, literal(text, Text))


def matches(text: str) -> ColumnElement[bool]:
    return SEARCH_VECTOR.bool_op("@@")(_query(text))


def rank(text: str) -> ColumnElement[float]:
    """Higher is better: cover density, so more and closer hits rank first."""
    return func.ts_rank_cd(SEARCH_VECTOR, _query(text), type_=Float)


def headline(text: str) -> ColumnElement[str]:
    """The best fragments of the masked text with the hits between our marker characters (marks.py)."""
    clean = func.replace(func.replace(appeals.c.text_masked, START, ""), STOP, "")
    return func.ts_headline(_CONFIG, clean, _query(text), literal(_HEADLINE_OPTIONS, Text), type_=Text)
