"""The newest hits of a word search, read window by window back in time, and the best of them.

A common word in a district's scope has no index that yields its hits in date order: walking the date index
reads every district's appeals, and a word index gives the district's hits of the whole year in one bitmap, which
must all be read from the table to find the newest. A window of days bounds both: on PostgreSQL the appeal's UTC
day is a key of the scoped word index (migration `0016_search_windows`), so a window's bitmap holds only its own
hits, and the table is read for those alone.

The windows start at the newest appeal's day and widen back in time — each next one sized from the hits found so
far — until they hold `depth` hits or reach the oldest appeal. They do not overlap and each one is read in date
order, so the hits are exactly the newest `depth` in (created_at desc, id desc), as one query with `LIMIT depth`
would give them (docs/reads-at-scale.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

from otklik.adapters.db.search import postgres
from otklik.adapters.db.search.appeal_text import Order, date_order
from otklik.adapters.db.tables.appeals import appeals

T = TypeVar("T", bound=tuple[Any, ...])

# The first window, in days: a common word's 2,000 newest hits region-wide are in the last few days of a region's
# stream; a district's need weeks, which the second window's estimate reaches (docs/reads-at-scale.md).
FIRST_DAYS = 7
# Never more passes than this: the last one reads the rest of the range, however far back it goes.
MAX_PASSES = 5
# A window is sized for this many times the hits the rate found so far predicts, so that the estimate's error
# rarely costs one pass more.
MARGIN = 1.25


def newest_hits(session: Session, query: Select[T], keys: Sequence[ColumnElement[Any]], depth: int) -> list[Row[Any]]:
    """The appeal id and `keys` of the newest `depth` rows of `query`, newest first (created_at desc, id desc)."""
    oldest, latest = session.execute(select(func.min(appeals.c.created_at), func.max(appeals.c.created_at))).one()
    if latest is None:
        return []
    first, last = _utc_day(oldest), _utc_day(latest)
    newest = query.with_only_columns(appeals.c.id.label("appeal_id"), *keys).order_by(*date_order())
    dialect = session.get_bind().dialect.name
    found: list[Row[Any]] = []
    upper: date | None = None
    days = FIRST_DAYS
    for passes in range(1, MAX_PASSES + 1):
        since = last - timedelta(days=days - 1)
        lower = since if passes < MAX_PASSES and since > first else None  # None: the rest of the range
        found.extend(session.execute(_window(newest, dialect, lower, upper).limit(depth - len(found))).all())
        if len(found) >= depth or lower is None:
            break
        upper, days = lower, next_days(days, len(found), depth)
    return found


def next_days(days: int, found: int, depth: int) -> int:
    """How many days back the windows must reach to hold `depth` hits at the rate found so far; at least twice as
    many as before."""
    if found == 0:
        return days * 8
    return max(days * 2, math.ceil(days * MARGIN * depth / found))


def _window(query: Select[T], dialect: str, lower: date | None, upper: date | None) -> Select[T]:
    """The appeals of `query` registered on the UTC days lower ≤ day < upper (either end open when None)."""
    day = postgres.CREATED_DAY if dialect == "postgresql" else None
    if lower is not None:
        query = query.where(day >= lower if day is not None else appeals.c.created_at >= _midnight(lower))
    if upper is not None:
        query = query.where(day < upper if day is not None else appeals.c.created_at < _midnight(upper))
    return query


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _utc_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def best(rows: list[Row[Any]], order: Order, offset: int, limit: int) -> list[int]:
    """The ids of rows `offset`…`offset + limit` of `rows` (appeal_id, then one key per term of `order`) in `order`.

    The sort is stable, so sorting by the last key first and by the first key last orders by all of them, each in
    its own direction, as `ORDER BY` would."""
    ranked = list(rows)
    for index in reversed(range(len(order))):
        ranked.sort(key=itemgetter(index + 1), reverse=order[index].modifier is operators.desc_op)
    return [int(row[0]) for row in ranked[offset : offset + limit]]
