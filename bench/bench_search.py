"""Search latency at 100,000 appeals on PostgreSQL: the old LIKE scan against the Russian full-text search.

    .venv/bin/python bench/bench_search.py [--count 100000] [--database otklik_bench_search]

A dedicated database (created, migrated, filled once with COPY; reused while it holds `--count` appeals) on the
server of OTKLIK_BENCH_PG_ADMIN_URL (default the local trust-auth postgres). Each query runs as the appeal list
runs it (count + first page of 50), `ROUNDS` times after a warm-up; the figures are medians. Bounded: each
measurement stops after `SECONDS_EACH`."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import create_engine, func, or_, select, text
from sqlalchemy.orm import Session

from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.mappers import start_mappers
from otklik.adapters.db.migrate import upgrade
from otklik.adapters.db.repositories.appeals import AppealFilter, AppealRepository
from otklik.adapters.db.tables.appeals import appeals
from otklik.domain.access import AppealScope
from otklik.domain.appeal import Appeal

ADMIN_URL = os.environ.get("OTKLIK_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ROUNDS = 5
SECONDS_EACH = 60  # the bound of each measurement
# Common words: each is in 5–15 % of the appeals, so these are the slow case of a search.
QUERIES = ("труба", "яма во дворе", "нет отопления", "мусор", "уличное освещение", "автобус")
PLACES = ("Шарье", "Буе", "Галиче", "Костроме", "Нерехте", "Мантурове", "Макарьеве", "Судиславле")
STREETS = ("Ленина", "Советской", "Октябрьской", "Мира", "Гагарина", "Вокзальной", "Свободы", "Заводской")
PROBLEMS = (
    "прорвало трубу в подвале, заливает подъезд",
    "огромная яма во дворе, машины бьют колёса",
    "третий день нет отопления, в квартирах холодно",
    "не вывозят мусор с контейнерной площадки",
    "не горят фонари уличного освещения, темно",
    "автобус по маршруту не ходит по расписанию",
    "течёт крыша после ремонта, управляющая компания не отвечает",
    "на остановке разбито стекло, нет скамейки",
    "бродячие собаки во дворе школы",
    "не убирают снег на тротуаре, скользко",
    "во дворе сломана детская площадка",
    "низкое давление холодной воды на верхних этажах",
)
RARE_SENTENCE = "Рядом с домом разросся борщевик."
RARE_QUERY = "борщевика"
TAILS = ("Просим разобраться.", "Обращаемся не в первый раз.", "Фото прилагаю.", "Когда это закончится?", "")


def _text(rng: random.Random) -> str:
    first, second = rng.sample(PROBLEMS, 2)
    opening = f"В {rng.choice(PLACES)} на улице {rng.choice(STREETS)} {first}."
    extra = f" Кроме того, {second}." if rng.random() < 0.4 else ""
    rare = f" {RARE_SENTENCE}" if rng.random() < 0.002 else ""  # a word in 0.2 % of appeals
    return f"{opening}{extra}{rare} {rng.choice(TAILS)}".strip()


def _database(count: int, name: str) -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    start_mappers()
    engine = build_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        held = connection.execute(text("SELECT count(*) FROM appeals")).scalar_one()
    engine.dispose()
    if held != count:
        _fill(url, count)
    return url


def _fill(url: str, count: int) -> None:
    """Messages and appeals by COPY; the generated `search_vector` is computed by PostgreSQL on the way in."""
    rng = random.Random(12)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        connection.execute("TRUNCATE appeals, messages RESTART IDENTITY CASCADE")
        texts = [_text(rng) for _ in range(count)]
        moments = sorted(start + timedelta(seconds=rng.randrange(330 * 86400)) for _ in range(count))
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY messages (channel, external_id, text, author, created_at, received_at, context, attachments,"
                " formal) FROM STDIN"
            ) as copy:
                for index, (body, moment) in enumerate(zip(texts, moments, strict=True)):
                    copy.write_row(("portal", f"bench:{index}", body, "{}", moment, moment, "{}", "[]", False))
            with cursor.copy(
                "COPY appeals (number, kind, status, channel, message_id, text, text_masked, priority, toxic,"
                " explanation, created_at, redirect_count) FROM STDIN"
            ) as copy:
                for index, (body, moment) in enumerate(zip(texts, moments, strict=True)):
                    number = f"44-2026-{index + 1:06d}"
                    row = (number, "message", "assigned", "portal", index + 1, body, body, "normal", False)
                    copy.write_row((*row, json.dumps([]), moment, 0))
        connection.execute("ANALYZE appeals")
        connection.commit()


def _like_search(session: Session, q: str) -> None:
    """What `q` was before: an ILIKE on the masked text, newest first."""
    pattern = f"%{q}%"
    query = select(Appeal).where(or_(appeals.c.text_masked.ilike(pattern), appeals.c.number == q))
    session.scalar(select(func.count()).select_from(query.subquery()))
    list(session.scalars(query.order_by(appeals.c.created_at.desc(), appeals.c.id.desc()).limit(50)))


def _fts_search(session: Session, q: str, *, highlight: bool) -> None:
    repository = AppealRepository(session)
    scope = AppealScope(everything=True)
    found, _ = repository.search(AppealFilter(query=q), scope)
    if highlight:
        repository.highlights(q, [a.id for a in found if a.id is not None], scope)


def _median_ms(run: Callable[[str], None], queries: tuple[str, ...] = QUERIES) -> float:
    """Each query warmed up once, then timed `ROUNDS` times or until `SECONDS_EACH` have passed (at least once)."""
    timings: list[float] = []
    deadline = time.monotonic() + SECONDS_EACH
    for q in queries:
        run(q)  # warm-up: plans and caches
        for round_ in range(ROUNDS):
            if round_ and time.monotonic() > deadline:
                break
            began = time.perf_counter()
            run(q)
            timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--database", default="otklik_bench_search")
    args = parser.parse_args()
    began = time.monotonic()
    url = _database(args.count, args.database)
    print(f"search_bench_setup: {time.monotonic() - began:.1f} s", file=sys.stderr)
    start_mappers()
    engine = build_engine(url)
    with Session(engine) as session:
        like = _median_ms(lambda q: _like_search(session, q))
        fts = _median_ms(lambda q: _fts_search(session, q, highlight=False))
        marked = _median_ms(lambda q: _fts_search(session, q, highlight=True))
        rare_like = _median_ms(lambda q: _like_search(session, q), ("борщевик",))
        rare = _median_ms(lambda q: _fts_search(session, q, highlight=True), (RARE_QUERY,))
        number = _median_ms(lambda q: _fts_search(session, q, highlight=False), ("44-2026-000777",))
    print(f"search_appeals: {args.count} appeals")
    print(f"search_like_p50: {like:.1f} ms")
    print(f"search_fts_p50: {fts:.1f} ms")
    print(f"search_fts_with_highlight_p50: {marked:.1f} ms")
    print(f"search_like_rare_word_p50: {rare_like:.1f} ms")
    print(f"search_fts_rare_word_with_highlight_p50: {rare:.1f} ms")
    print(f"search_number_p50: {number:.1f} ms")
    print(f"search_bench_load_average: {os.getloadavg()[0]:.1f} (shared machine: figures are upper bounds)")


if __name__ == "__main__":
    main()
