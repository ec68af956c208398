"""Per-channel send limits kept in the database, so they hold however many processes send (GCRA, a token bucket
written as one timestamp: https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm).

A channel's row keeps `free_at`, the time its bucket is full again. A send is allowed when
`max(free_at, now) - now <= (burst - 1) / rate`, and then moves `free_at` on by `1 / rate`. Both happen in one
`UPDATE … WHERE`, which PostgreSQL applies under the row's lock (a concurrent sender re-reads the new row), and
SQLite under its single write lock; "now" is the database's clock, so processes on several machines agree."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.send_limits import send_limits

_UNIX_EPOCH_JULIAN_DAY = 2440587.5
# A refusal never says «wait 0»: a caller that sleeps what it is told must not spin when the clocks round to zero.
MIN_WAIT_SECONDS = 0.001


def database_now(dialect: str) -> ColumnElement[float]:
    """Epoch seconds by the database's clock (PostgreSQL: the moment of evaluation; SQLite: milliseconds)."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", func.clock_timestamp()), Float)
    return (func.julianday("now") - literal(_UNIX_EPOCH_JULIAN_DAY)) * literal(86400.0)


class SendLimitRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name

    def try_take(self, channel: str, *, rate_per_second: float, burst: float) -> float:
        """0 when a send was allowed (and counted); otherwise the seconds until the next one may go."""
        if self._dialect == "postgresql":
            # No wait for the disk at commit: a take lost in a crash of the database only frees one send, and the
            # flush was most of a take's time (bench/bench_operations.py). Other processes see it at once all the same.
            self._session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        if self._take(channel, rate_per_second, burst):
            return 0.0
        wait = self._wait(channel, rate_per_second, burst)
        if wait is None:  # the channel's first send: create its row (a full bucket) and try once more
            self._create(channel, rate_per_second, burst)
            if self._take(channel, rate_per_second, burst):
                return 0.0
            wait = self._wait(channel, rate_per_second, burst)
        return wait if wait is not None else MIN_WAIT_SECONDS

    def _take(self, channel: str, rate: float, burst: float) -> bool:
        now = database_now(self._dialect)
        interval = 1.0 / rate
        same_limit = and_(send_limits.c.rate_per_second == rate, send_limits.c.burst == burst)
        start = case((and_(same_limit, send_limits.c.free_at > now), send_limits.c.free_at), else_=now)
        result = self._session.execute(
            update(send_limits)
            .where(
                send_limits.c.channel == channel,
                or_(~same_limit, start - now <= (burst - 1.0) * interval),
            )
            .values(free_at=start + interval, rate_per_second=rate, burst=burst)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def _wait(self, channel: str, rate: float, burst: float) -> float | None:
        now = database_now(self._dialect)
        wait = self._session.execute(
            select(send_limits.c.free_at - (burst - 1.0) / rate - now).where(send_limits.c.channel == channel)
        ).scalar_one_or_none()
        return None if wait is None else max(float(wait), MIN_WAIT_SECONDS)

    def _create(self, channel: str, rate: float, burst: float) -> None:
        insert_fn = pg_insert if self._dialect == "postgresql" else sqlite_insert
        self._session.execute(
            insert_fn(send_limits)
            .values(channel=channel, free_at=0.0, rate_per_second=rate, burst=burst)
            .on_conflict_do_nothing(index_elements=["channel"])
        )
