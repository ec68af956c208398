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

from sqlalchemy import ARRAY, ColumnElement, Date, Row, Select, func, literal, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

from otklik.adapters.db.search import postgres
from otklik.adapters.db.search.appeal_text import Order, date_order
from otklik.adapters.db.tables.appeals import appeals

T = TypeVar("T", bound=tuple[Any, ...])

# The first window, in days (the newest day is still being written, so one day is a poor sample): a common
# word's newest hits region-wide fill them; a district's take weeks, which the second window's estimate reaches
# (docs/reads-at-scale.md).
FIRST_DAYS = 2
# A window of more days than this is read as the rest of the range instead: a word that rare has few hits, and
# PostgreSQL reads them all from the scoped word index at once, cheaper than one index scan per day.
MAX_WINDOW_DAYS = 92
# Never more passes than this: the last one reads the rest of the range, however far back it goes.
MAX_PASSES = 4
# A window is sized for this many times the hits the rate found so far predicts, so that the estimate's error
# rarely costs one pass more.
MARGIN = 1.25


def newest_hits(session: Session, query: Select[T], keys: Sequence[ColumnElement[Any]], depth: int) -> list[Row[Any]]:
    """(appeal id, created_at, *keys) of the newest `depth` rows of `query`, newest first (created_at desc, id desc)."""
    oldest, latest = session.execute(select(func.min(appeals.c.created_at), func.max(appeals.c.created_at))).one()
    if latest is None:
        return []
    first, last = _utc_day(oldest), _utc_day(latest)
    columns = query.with_only_columns(appeals.c.id.label("appeal_id"), appeals.c.created_at.label("window_at"), *keys)
    dialect = session.get_bind().dialect.name
    found: list[Row[Any]] = []
    upper = last + timedelta(days=1)
    days = FIRST_DAYS
    for passes in range(1, MAX_PASSES + 1):
        lower = last - timedelta(days=days - 1)
        rare = passes > 1 and not found  # no hit in the newest days: the word's few hits are read at once
        if rare or passes == MAX_PASSES or lower <= first or (upper - lower).days > MAX_WINDOW_DAYS:
            # The rest of the range, read from the start without a window (a range of days would gather every
            # appeal of those days into one bitmap): the windows so far found few hits, and they are read again.
            return list(session.execute(columns.order_by(*date_order()).limit(depth)).all())
        found.extend(session.execute(_days(columns, dialect, lower, upper, depth - len(found))).all())
        if len(found) >= depth:
            break
        upper, days = lower, next_days(days, len(found), depth)
    return found


def next_days(days: int, found: int, depth: int) -> int:  # found > 0
    """How many days back the windows must reach to hold `depth` hits at the rate found so far; at least twice as
    many as before."""
    return max(days * 2, math.ceil(days * MARGIN * depth / max(found, 1)))


def _days(query: Select[T], dialect: str, lower: date, upper: date, limit: int) -> Select[Any]:
    """The newest `limit` rows of `query` registered on the UTC days lower ≤ day < upper, newest first.

    On PostgreSQL a day at a time (`day = d`, laterally for each day of the window), not a range: the scoped word
    index intersects a day's key with the scope's and the word's inside the index, skipping through their long
    posting lists (0.1–0.2 ms a day), while a range of days gathers every appeal of those days into one bitmap first
    (a month: 145,000 entries, 25 ms); and one statement, not a UNION of a statement per day, whose planning alone
    took 30 ms for 66 days."""
    if dialect != "postgresql":
        window = query.where(appeals.c.created_at >= _midnight(lower), appeals.c.created_at < _midnight(upper))
        return _newest(window).limit(limit)
    count = (upper - lower).days
    wanted = [upper - timedelta(days=offset + 1) for offset in range(count)]
    days = (
        func.unnest(literal(wanted, ARRAY(Date)))
        .table_valued("day", with_ordinality="newer")
        .render_derived(name="days")
    )
    # The LIMIT keeps each day's subquery a subquery (PostgreSQL would flatten it into one scan of the window).
    one_day = _newest(query.where(postgres.created_on(days.c.day))).limit(limit).lateral("one_day")
    together = select(*one_day.c).select_from(days).join(one_day, true())
    # The days come newest first and each day's rows newest first, so this order is (created_at desc, id desc),
    # and PostgreSQL sees it presorted by the day: it stops reading days once it has `limit` rows.
    return together.order_by(days.c.newer, one_day.c.window_at.desc(), one_day.c.appeal_id.desc()).limit(limit)


def _newest(query: Select[T]) -> Select[T]:
    return query.order_by(*date_order())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _utc_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def best(rows: list[Row[Any]], order: Order, offset: int, limit: int) -> list[int]:
    """The ids of rows `offset`…`offset + limit` of `rows` (appeal_id, created_at, then one key per term of `order`)
    in `order`.

    The sort is stable, so sorting by the last key first and by the first key last orders by all of them, each in
    its own direction, as `ORDER BY` would."""
    ranked = list(rows)
    for index in reversed(range(len(order))):
        ranked.sort(key=itemgetter(index + 2), reverse=order[index].modifier is operators.desc_op)
    return [int(row[0]) for row in ranked[offset : offset + limit]]
