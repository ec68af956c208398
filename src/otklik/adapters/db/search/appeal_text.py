"""The `q` of an appeal list on either database: which appeals match, in what order, and their highlights."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, UnaryExpression, or_, select
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
    """The query narrowed to the appeals whose masked text matches `raw` (or whose number is `raw`), and its
    order: the exact number first, then by relevance (newest first among equals), or by date when asked."""
    wanted = search_text(raw)
    number: ColumnElement[bool] = appeals.c.number == wanted.text
    rank: UnaryExpression[Any] | None
    if wanted.is_number or not wanted.has_words:
        query, rank = query.where(number), None
    elif dialect == "postgresql":
        query = query.where(or_(postgres.matches(wanted.text), number))
        rank = postgres.rank(wanted.text).desc()
    else:
        fts = sqlite.fts_query(wanted.text)
        if fts.expression is None:
            query, rank = query.where(number), None
        else:
            hits = sqlite.hits(fts).subquery()
            query = query.outerjoin(hits, hits.c.appeal_id == appeals.c.id)
            query = query.where(or_(hits.c.appeal_id.is_not(None), number))
            rank = hits.c.rank.asc()
    if by_date:
        return query, date_order()
    return query, [number.desc(), *([rank] if rank is not None else []), *date_order()]


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
