"""The newest hits of a word search, read window by window back in time, and the best of them.

A common word in a district's scope has no index that yields its hits in date order: walking the date index
reads every district's appeals, and the scoped word index (migration `scoped_search_index`) gives the district's
hits of the whole year in one bitmap, which must all be read from the table to find the newest. A date window
bounds both: `created_at >= lower` is in the scoped word index too (migration `search_windows_index`), so a
window's bitmap holds only its own hits, and the table is read for those alone.

The windows start at the newest appeal and widen back in time — each next window sized from the hits found so
far — until they hold `depth` hits or reach the beginning. The windows do not overlap and each one is read in date
order, so the hits are exactly the newest `depth` in (created_at desc, id desc): the same as one query with
`LIMIT depth` (docs/reads-at-scale.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

from otklik.adapters.db.search.appeal_text import Order, date_order
from otklik.adapters.db.tables.appeals import appeals

T = TypeVar("T", bound=tuple[Any, ...])

# The first window: a week of a region's stream holds a common word's 2,000 newest hits region-wide; a district
# needs a few weeks, which the second window's estimate reaches (docs/reads-at-scale.md, the measured passes).
FIRST_SPAN = timedelta(days=7)
# Never more passes than this: the last one reads the rest of the range, however far back it goes.
MAX_PASSES = 5
# A window is sized for this many times the hits still missing, so the estimate's error rarely costs a pass more.
MARGIN = 1.25
# A window reaching further back than this is the whole range (and a date before year 1 cannot be computed).
WHOLE_RANGE = timedelta(days=100 * 365)


def newest_hits(session: Session, query: Select[T], keys: Sequence[ColumnElement[Any]], depth: int) -> list[Row[Any]]:
    """The appeal id and `keys` of the newest `depth` rows of `query`, newest first (created_at desc, id desc)."""
    anchor = session.scalar(select(func.max(appeals.c.created_at)))
    if anchor is None:
        return []
    newest = query.with_only_columns(appeals.c.id.label("appeal_id"), *keys).order_by(*date_order())
    found: list[Row[Any]] = []
    upper: datetime | None = None
    span = FIRST_SPAN
    for passes in range(1, MAX_PASSES + 1):
        lower = anchor - span if passes < MAX_PASSES and span < WHOLE_RANGE else None
        window = newest
        if lower is not None:
            window = window.where(appeals.c.created_at >= lower)
        if upper is not None:
            window = window.where(appeals.c.created_at < upper)
        found.extend(session.execute(window.limit(depth - len(found))).all())
        if len(found) >= depth or lower is None:
            break
        upper, span = lower, next_span(span, len(found), depth)
    return found


def next_span(span: timedelta, found: int, depth: int) -> timedelta:
    """How far back the windows must reach to hold `depth` hits, at the rate found so far; at least twice as far."""
    if found == 0:
        return span * 8
    return max(span * 2, span * (MARGIN * depth / found))


def best(rows: list[Row[Any]], order: Order, offset: int, limit: int) -> list[int]:
    """The ids of rows `offset`…`offset + limit` of `rows` (appeal_id, then one key per term of `order`) in `order`.

    The sort is stable, so sorting by the last key first and by the first key last orders by all of them, each in
    its own direction, as `ORDER BY` would."""
    ranked = list(rows)
    for index in reversed(range(len(order))):
        ranked.sort(key=itemgetter(index + 1), reverse=order[index].modifier is operators.desc_op)
    return [int(row[0]) for row in ranked[offset : offset + limit]]
