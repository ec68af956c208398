"""Appeal numbers: the next value of a counter per (region, year).

On PostgreSQL each (region, year) has a SEQUENCE of its own (`appeal_number_<region>_<year>`, created on demand).
`nextval` takes no row lock and is never rolled back, so concurrent registrations in any number of workers do not
wait for each other's commit — they used to queue on the counter row of `number_sequences` for the whole length
of their decision transactions. The price: a number taken by a transaction that then rolls back (or dies, kill -9)
is never used, so numbers are **unique and increasing, not gapless** (docs/processes.md).

On SQLite (one writer at a time anyway) the counter row of `number_sequences` stays: gapless, incremented with
RETURNING in the registration's transaction.

A sequence starts after the counter row's `last_value` when one exists (numbers written before the sequence, or
by the bench generator's COPY), so switching a database over never reuses a number.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.sequences import number_sequences

SEQUENCE_PREFIX = "appeal_number_"
# The advisory lock that serialises the creation of a sequence (a constant key of our own; the year in the second).
_CREATE_LOCK = 0x6F746B6C  # "otkl"


def sequence_name(region: int, year: int) -> str:
    return f"{SEQUENCE_PREFIX}{int(region)}_{int(year)}"


def next_value(session: Session, region: int, year: int) -> int:
    if session.get_bind().dialect.name == "postgresql":
        return _next_from_sequence(session, region, year)
    return _next_from_counter_row(session, region, year)


def next_values(session: Session, region: int, year: int, count: int) -> list[int]:
    """`count` numbers in increasing order: on PostgreSQL one `nextval` per row of one statement."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name != "postgresql":
        return [_next_from_counter_row(session, region, year) for _ in range(count)]
    name = sequence_name(region, year)
    taken = session.execute(
        text("SELECT nextval(to_regclass(:name)) FROM generate_series(1, :count)"), {"name": name, "count": count}
    ).scalars()
    found = [int(value) for value in taken if value is not None]
    if len(found) < count:  # no sequence yet (the year's first registration): created, and taken, elsewhere
        found += _create_and_take(session, region, year, count - len(found))
    return sorted(found)


def _next_from_sequence(session: Session, region: int, year: int) -> int:
    name = sequence_name(region, year)
    # `to_regclass` is NULL for a missing sequence and `nextval` is strict: one statement, no error to recover from.
    found = session.execute(text("SELECT nextval(to_regclass(:name))"), {"name": name}).scalar()
    if found is None:
        (taken,) = _create_and_take(session, region, year, 1)
        return taken
    return int(found)


def _create_and_take(session: Session, region: int, year: int, count: int) -> list[int]:
    """Once per (region, year), in a short transaction of its own on another connection, committed at once: the
    registration's transaction may last, and others of the year must not wait for it to see the sequence. The
    advisory lock makes a concurrent creator wait for this commit and then find the sequence, instead of failing on
    the catalog's unique index. The number is taken on that connection too: the registration's own transaction may
    not see the new sequence yet (its catalog cache remembers the name as missing until its next transaction), and
    a `nextval` is the sequence's wherever it runs."""
    with session.get_bind().engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key, :year)"), {"key": _CREATE_LOCK, "year": year})
        last = connection.execute(
            select(number_sequences.c.last_value).where(
                number_sequences.c.region == region, number_sequences.c.year == year
            )
        ).scalar()
        # DDL takes no bind parameters; the name and the start are integers formatted here, not user input.
        connection.execute(
            text(
                f"CREATE SEQUENCE IF NOT EXISTS {sequence_name(region, year)}"
                f" START WITH {int(last or 0) + 1} MINVALUE 1"
            )
        )
        taken = connection.execute(
            text("SELECT nextval(to_regclass(:name)) FROM generate_series(1, :count)"),
            {"name": sequence_name(region, year), "count": count},
        )
        return sorted(int(value) for value in taken.scalars())


def _next_from_counter_row(session: Session, region: int, year: int) -> int:
    """Atomic under concurrency: the counter row is created once, then incremented with RETURNING."""
    session.execute(
        sqlite_insert(number_sequences)
        .values(region=region, year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["region", "year"])
    )
    result = session.execute(
        update(number_sequences)
        .where(number_sequences.c.region == region, number_sequences.c.year == year)
        .values(last_value=number_sequences.c.last_value + 1)
        .returning(number_sequences.c.last_value)
    )
    return int(result.scalar_one())


def reset_numbers(connection: Connection) -> None:
    """Forgets every counter (tests between cases, the bench generator before it writes its own): the counter rows
    and, on PostgreSQL, the sequences."""
    connection.execute(number_sequences.delete())
    if connection.dialect.name != "postgresql":
        return
    names = connection.execute(
        text("SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE :prefix AND pg_table_is_visible(oid)"),
        {"prefix": SEQUENCE_PREFIX.replace("_", r"\_") + "%"},
    ).scalars()
    for name in list(names):
        connection.execute(text(f'DROP SEQUENCE IF EXISTS "{name}"'))
