"""The `q` of an appeal list on either database: which appeals match, in what order, and their highlights."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, UnaryExpression, false, select
from sqlalchemy.orm import Session

from otklik.adapters.db.search import postgres, sqlite
from otklik.adapters.db.search.marks import START, to_html
from otklik.adapters.db.search.query import search_text
from otklik.adapters.db.tables.appeals import appeals

T = TypeVar("T", bound=tuple[Any, ...])
Order = list[UnaryExpression[Any]]


def date_order() -> Order:
    return [appeals.c.created_at.desc(), appeals.c.id.desc()]


def text_search(query: Select[T], dialect: str, raw: str, *, by_date: bool) -> tuple[Select[T], Order]:
    """The query narrowed to the appeals whose masked text matches `raw` (or, when `raw` has an appeal number's
    shape, to the appeal of that number), and its order: by relevance (newest first among equals), or by date.

    A word is never also compared with the numbers: a text that is not number-shaped cannot be a number, and an
    `OR` with the unique index keeps PostgreSQL from counting a common word's hits from its GIN index alone."""
    wanted = search_text(raw)
    rank: UnaryExpression[Any] | None = None
    if wanted.is_number or not wanted.has_words:
        query = query.where(appeals.c.number == wanted.text)
    elif dialect == "postgresql":
        query = query.where(postgres.matches(wanted.text))
        rank = postgres.rank(wanted.text).desc()
    else:
        fts = sqlite.fts_query(wanted.text)
        if fts.expression is None:
            query = query.where(false())  # only stop words or negations: nothing to find, as an empty tsquery
        else:
            hits = sqlite.hits(fts).subquery()
            query = query.join(hits, hits.c.appeal_id == appeals.c.id)
            rank = hits.c.rank.asc()
    if by_date or rank is None:
        return query, date_order()
    return query, [rank, *date_order()]


def highlights(session: Session, raw: str, ids: Collection[int], visible: ColumnElement[bool]) -> dict[int, str]:
    """Safe HTML fragments of the masked text with the hits in <mark>, for the appeals of one page in scope;
    an appeal found by its number alone has none."""
    if not ids:
        return {}
    wanted = search_text(raw)
    if wanted.is_number or not wanted.has_words:
        return {}
    where = (appeals.c.id.in_(sorted(ids)), visible)
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(select(appeals.c.id, postgres.headline(wanted.text)).where(*where))
        return {int(i): to_html(text) for i, text in rows if text and START in text}
    fts = sqlite.fts_query(wanted.text)
    found: dict[int, str] = {}
    for appeal_id, text_masked in session.execute(select(appeals.c.id, appeals.c.text_masked).where(*where)):
        marked = sqlite.highlight(text_masked, fts)
        if marked is not None:
            found[int(appeal_id)] = to_html(marked)
    return found
