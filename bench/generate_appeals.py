"""Generate N appeals (default 1,000,000) for a year of a large region into a dedicated PostgreSQL database.

    .venv/bin/python bench/generate_appeals.py [--count 1000000] [--database otklik_bench_1m] [--force]

The database is created if missing (on the server of OTKLIK_BENCH_PG_ADMIN_URL, default the local trust-auth
postgres), migrated and seeded with the shipped reference data like the service does, then filled with COPY in
batches: messages, appeals, their events, replies and ratings. Reused as it is when it already holds `--count`
appeals (nothing is regenerated without --force); no other database is touched.

What it writes follows the domain: places across the 29 municipalities weighted by their settlements'
population, one of them weighted the same way; groups and topics from the rubricator; the competent body from
the competence matrix; deadlines by the deadline policies on the production calendar; a lifecycle — machine
routing or moderation (sometimes corrected), redirects, first and final answers with working-hour delays,
ratings, «не решено» reopens and second answers, closing — with the dashboard's stored measures computed as
`domain/analytics.py` computes them. Other benches can call `generate(url, count, seed)`.
"""

from __future__ import annotations

import argparse
import bisect
import io
import json
import math
import os
import random
import sys
import time as clock
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any, Protocol

import psycopg
from sqlalchemy import create_engine, text

from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.migrate import upgrade
from otklik.adapters.db.repositories.analytics_rollup import rebuild
from otklik.adapters.db.repositories.appeal_numbers import reset_numbers
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.domain.appeal_kind import AppealKind, Priority
from otklik.domain.calendar import WorkCalendar
from otklik.domain.deadlines import DeadlinePolicy, compute_deadlines
from otklik.domain.reference import ReferenceData
from otklik.domain.rubricator import Topic
from otklik.reference.files import load_deadline_policies, load_reference, load_working_hours
from otklik.reference.production_calendar import russian_calendar

ADMIN_URL = os.environ.get("OTKLIK_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEFAULT_DATABASE = "otklik_bench_1m"
BATCH = 20_000
MAX_SECONDS = 3600  # a bound on the whole run: a generation that takes longer stops with what it wrote

CHANNELS = {"vk": 35, "telegram": 14, "portal": 20, "hotline": 15, "email": 7, "112": 3, "open311": 6}
HEAVY_GROUPS = ("ЖКХ", "Дорог", "Благоустр", "Транспорт")  # the bulk of a region's stream
DETAILS = (
    "Обращались уже несколько раз, ничего не меняется.",
    "Просим разобраться и сообщить сроки.",
    "Фото прилагаю, ситуация повторяется каждую неделю.",
    "Жители дома возмущены, дети ходят мимо.",
    "Пожалуйста, примите меры как можно скорее.",
    "Управляющая компания на звонки не отвечает.",
    "Ситуация длится с начала месяца.",
    "Пожилым людям невозможно пройти.",
)
STREETS = ("Советская", "Ленина", "Мира", "Октябрьская", "Садовая", "Школьная", "Молодёжная", "Центральная", "Луговая")
CHANNEL_NAMES, CHANNEL_CUM = list(CHANNELS), list(accumulate(CHANNELS.values()))
SPAM_TEXTS = ("Продам гараж недорого, звоните", "Кто знает, во сколько сегодня салют?", "Реклама: окна со скидкой")


@dataclass(frozen=True)
class Place:
    municipality_id: str
    settlement: str
    settlement_key: str
    lat: float | None
    lon: float | None


class WorkingTime:
    """Working hours as a running total per day of the production calendar: the same sums as
    `domain.analytics.working_hours_between`, at the cost of a lookup (a million appeals need it)."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.calendar, self.first = calendar, first
        self.days: list[date] = []
        self.before: list[float] = []  # working hours from `first` to the start of each day
        total = 0.0
        day = first
        while day <= last:
            self.days.append(day)
            self.before.append(total)
            total += sum((end - start).total_seconds() for start, end in self._spans(day)) / 3600
            day += timedelta(days=1)

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per run; the cache dies with it
    def _spans(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        return tuple(self.calendar.intervals(day)) if self.calendar.is_working_day(day) else ()

    def at(self, moment: datetime) -> float:
        local = moment.astimezone(self.calendar.tz)
        index = (local.date() - self.first).days
        within = sum(max(0.0, (min(end, local) - start).total_seconds()) for start, end in self._spans(local.date()))
        return self.before[index] + within / 3600

    def after(self, moment: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `moment` (like WorkCalendar.add_working_hours)."""
        target = self.at(moment) + hours
        index = max(0, bisect.bisect_right(self.before, target) - 1)
        while index < len(self.days):
            left = target - self.before[index]
            for start, end in self._spans(self.days[index]):
                span = (end - start).total_seconds() / 3600
                if left <= span + 1e-9:
                    return start + timedelta(hours=left)
                left -= span
            index += 1
        return datetime.combine(self.days[-1], time(18), tzinfo=self.calendar.tz)

    def between(self, start: datetime, end: datetime) -> float:
        return round(max(0.0, self.at(end) - self.at(start)), 4)


class Generator:
    def __init__(self, reference: ReferenceData, calendar: WorkCalendar, until: datetime, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ref, self.calendar, self.until = reference, calendar, until
        self.since = until - timedelta(days=365)
        self.work = WorkingTime(calendar, self.since.date() - timedelta(days=2), until.date() + timedelta(days=400))
        self.policies: dict[AppealKind, DeadlinePolicy] = dict(load_deadline_policies())
        self.matrix = reference.competence_matrix()
        self._body: dict[tuple[str, str, str], str | None] = {}
        self._places()
        self._topics()
        self._days()
        self.agency_ids = [a.id for a in reference.agencies]

    def _places(self) -> None:
        by_municipality: dict[str, list[tuple[Place, int]]] = {}
        for s in self.ref.settlements:
            if not s.municipality_id:
                continue
            place = Place(s.municipality_id, s.name, s.id, s.lat, s.lon)
            by_municipality.setdefault(s.municipality_id, []).append((place, max(1, s.population or 1)))
        self.municipalities = sorted(by_municipality)
        self.municipality_weights = [sum(w for _, w in by_municipality[m]) for m in self.municipalities]
        self.settlements = {m: [p for p, _ in rows] for m, rows in by_municipality.items()}
        self.settlement_cum = {m: list(accumulate(w for _, w in rows)) for m, rows in by_municipality.items()}
        self.municipality_cum = list(accumulate(self.municipality_weights))

    def _topics(self) -> None:
        self.topics = [t for t in self.ref.rubricator.active_topics()]
        self.topic_cum = list(accumulate(4 if any(h in t.group for h in HEAVY_GROUPS) else 1 for t in self.topics))

    def _days(self) -> None:
        """Weekdays busier than weekends; the heating season busier than summer."""
        self.day_list, self.day_weights = [], []
        day = self.since.date()
        while day < self.until.date():
            weight = (1.0 if day.weekday() < 5 else 0.6) * (1.3 if day.month in (11, 12, 1, 2) else 1.0)
            self.day_list.append(day)
            self.day_weights.append(weight)
            day += timedelta(days=1)
        hours = [1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 10, 10, 10, 9, 9, 10, 11, 11, 9, 6, 3]
        self.hour_list, self.hour_cum = list(range(24)), list(accumulate(hours))
        self.day_cum = list(accumulate(self.day_weights))

    def body(self, group: str, topic: str, municipality_id: str) -> str | None:
        key = (group, topic, municipality_id)
        if key not in self._body:
            found = self.matrix.resolve(group, topic, municipality_id)
            self._body[key] = found.agency.id if found else None
        return self._body[key]

    def created(self) -> datetime:
        rng = self.rng
        day = rng.choices(self.day_list, cum_weights=self.day_cum)[0]
        hour = rng.choices(self.hour_list, cum_weights=self.hour_cum)[0]
        moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=self.calendar.tz)
        return min(moment, self.until - timedelta(minutes=1))

    def delay(self, median: float, sigma: float) -> float:
        return max(0.05, self.rng.lognormvariate(math.log(median), sigma))


@dataclass(frozen=True)
class Draft:
    id: int
    number: str
    created: datetime
    channel: str
    text: str
    topic: Topic
    place: Place
    address: str
    lat: float | None
    lon: float | None
    kind: AppealKind
    priority: Priority
    first_due: datetime | None
    due: datetime


class Move(Protocol):
    def __call__(self, at: datetime, to: str, actor: str = "system", **data: object) -> None: ...


class Event(Protocol):
    def __call__(
        self, at: datetime, kind_: str, actor: str, before: str | None, after: str | None, **data: object
    ) -> None: ...


@dataclass
class Rows:
    messages: io.StringIO
    appeals: io.StringIO
    events: io.StringIO
    replies: io.StringIO
    ratings: io.StringIO


MESSAGE_COLUMNS = (
    "id, channel, external_id, text, author, created_at, received_at, context, attachments, formal, outcome,"
    " appeal_id, processed_at"
)
APPEAL_COLUMNS = (
    'id, number, kind, status, channel, message_id, text, text_masked, "group", topic, category_confidence,'
    " municipality_id, settlement_id, address, lat, lon, agency_id, routing_confidence, priority, toxic,"
    " appeal_score, explanation, created_at, first_response_due_at, due_at, answered_at, resolved_at, closed_at,"
    " reject_reason, redirect_count, first_response_hours, final_answer_hours, reopen_count, routed_by_machine,"
    " corrected, rating_score, rating_solved"
)
EVENT_COLUMNS = "appeal_id, type, at, actor, from_status, to_status, reason, data"
REPLY_COLUMNS = "appeal_id, kind, text, author, agency_id, created_at"
RATING_COLUMNS = "appeal_id, score, solved, comment, created_at"


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": " ", "\n": " ", "\r": " "})


def _cell(value: object) -> str:
    """One COPY text-format field (the hot loop of the generator: dispatch on the exact type)."""
    kind = type(value)
    if value is None:
        return "\\N"
    if kind is str:
        return value.translate(_ESCAPES)  # type: ignore[union-attr]
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime:
        return value.isoformat()  # type: ignore[union-attr]  # with its offset: PostgreSQL stores the instant
    if kind is dict or kind is list:
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES) if value else ("{}" if kind is dict else "[]")
    return str(value)


def _row(out: io.StringIO, *values: object) -> None:
    out.write("\t".join(_cell(v) for v in values) + "\n")


def one_appeal(g: Generator, rows: Rows, appeal_id: int, per_year: dict[int, int], created: datetime) -> None:
    rng, work, now = g.rng, g.work, g.until
    year = created.astimezone(g.calendar.tz).year
    per_year[year] = per_year.get(year, 0) + 1
    number = f"44-{year}-{per_year[year]:07d}"
    channel = rng.choices(CHANNEL_NAMES, cum_weights=CHANNEL_CUM)[0]
    municipality = rng.choices(g.municipalities, cum_weights=g.municipality_cum)[0]
    place = rng.choices(g.settlements[municipality], cum_weights=g.settlement_cum[municipality])[0]
    topic = rng.choices(g.topics, cum_weights=g.topic_cum)[0]
    street, house = rng.choice(STREETS), rng.randint(1, 120)
    address = f"{place.settlement}, ул. {street}, {house}"
    spam = rng.random() < 0.02
    body_text = (
        rng.choice(SPAM_TEXTS)
        if spam
        else f"{place.settlement}, ул. {street}, д. {house}: {topic.name.lower()}. {rng.choice(DETAILS)}"
    )
    kind = AppealKind.INCIDENT if channel in ("vk", "telegram") else AppealKind.MESSAGE
    if channel in ("portal", "email") and rng.random() < 0.25:
        kind = AppealKind.APPEAL_59FZ
    priority = Priority.HIGH if topic.priority else Priority.NORMAL
    deadlines = compute_deadlines(g.policies[kind], created, priority, g.calendar)
    agency = g.body(topic.group, topic.name, municipality)
    lat = place.lat + rng.uniform(-0.01, 0.01) if place.lat is not None else None
    lon = place.lon + rng.uniform(-0.01, 0.01) if place.lon is not None else None
    appeal = Draft(appeal_id, number, created, channel, body_text, topic, place, address, lat, lon, kind, priority,
                   deadlines.first_response_due_at, deadlines.due_at)  # fmt: skip
    author = {"name": None, "phone": None, "email": None, "external_id": f"u{rng.randrange(10**7)}"}
    _row(
        rows.messages, appeal_id, channel, f"gen-{appeal_id}", body_text, author, created, created, {}, [],
        kind is AppealKind.APPEAL_59FZ, "appeal", appeal_id, created,
    )  # fmt: skip

    def event(at: datetime, kind_: str, actor: str, before: str | None, after: str | None, **data: object) -> None:
        _row(rows.events, appeal_id, kind_, at, actor, before, after, None, data)

    state: dict[str, Any] = {
        "status": "new", "answered": None, "resolved": None, "closed": None, "redirects": 0, "reopens": 0,
        "machine": None, "corrected": False, "score": None, "solved": None, "reject": None, "agency": agency,
    }  # fmt: skip

    def move(at: datetime, to: str, actor: str = "system", **data: object) -> None:
        event(at, "status_changed", actor, state["status"], to, **data)
        state["status"] = to

    event(created, "registered", "system", None, "new")
    moment = created
    confident = agency is not None and not spam and rng.random() < 0.7
    if confident:
        move(created, "assigned", to_agency_id=agency)
        state["machine"] = True
    else:
        move(created, "needs_moderation")
        moment = work.after(created, g.delay(1.5, 0.8))
        if moment > now:
            _finish(g, rows, appeal, state)
            return
        if spam:
            state["reject"] = "spam"
            move(moment, "rejected", "moderator", reject_reason="spam")
            _finish(g, rows, appeal, state)
            return
        if rng.random() < 0.15:
            state["corrected"] = True
            event(moment, "corrected", "moderator", None, None)
        state["agency"] = state["agency"] or rng.choice(g.agency_ids)
        move(moment, "assigned", "moderator", to_agency_id=state["agency"])
        state["machine"] = False
    _work_on(g, rows, appeal_id, moment, state, move, event)
    _finish(g, rows, appeal, state)


def _work_on(
    g: Generator, rows: Rows, appeal_id: int, start: datetime, state: dict[str, Any], move: Move, event: Event
) -> None:
    rng, work, now = g.rng, g.work, g.until
    moment = start
    if rng.random() < 0.06:  # a body says «not ours»
        moment = work.after(moment, g.delay(4, 0.8))
        if moment > now:
            return
        other = rng.choice([a for a in g.agency_ids if a != state["agency"]])
        move(moment, "redirected", "moderator", from_agency_id=state["agency"], to_agency_id=other)
        state["agency"], state["redirects"] = other, 1
    if rng.random() < 0.25:  # an interim answer first
        at = work.after(moment, g.delay(5, 0.9))
        if at > now:
            return
        move(at, "answered", "executor")
        _row(rows.replies, appeal_id, "interim", "Ваше обращение принято в работу.", "executor", state["agency"], at)
        state["answered"] = at
        moment = at
    for attempt in range(2):
        at = work.after(moment, g.delay(30 if attempt == 0 else 20, 0.9))
        if at > now:
            if state["status"] not in ("answered", "redirected", "reopened"):
                move(moment, "in_progress", "executor")
            return
        move(at, "resolved", "executor")
        _row(rows.replies, appeal_id, "final", "Проведены работы, проблема устранена.", "executor", state["agency"], at)
        state["answered"] = state["answered"] or at
        state["resolved"] = at
        if rng.random() >= 0.4:
            return
        rated = at + timedelta(hours=rng.uniform(2, 72))
        if rated > now:
            return
        solved = rng.random() < 0.75
        score = rng.choice((4, 5, 5)) if solved else rng.choice((1, 2, 3))
        _row(rows.ratings, appeal_id, score, solved, None, rated)
        event(rated, "rated", "citizen", None, None, score=score, solved=solved)
        state["score"], state["solved"] = score, solved
        if solved or attempt == 1 or rng.random() < 0.5:
            move(rated, "closed", "citizen")
            state["closed"] = rated
            return
        move(rated, "reopened", "citizen")
        state["reopens"], state["resolved"] = 1, None
        moment = rated


def _finish(g: Generator, rows: Rows, a: Draft, state: dict[str, Any]) -> None:
    work = g.work
    answered, resolved = state["answered"], state["resolved"]
    _row(
        rows.appeals, a.id, a.number, a.kind.value, state["status"], a.channel, a.id, a.text, a.text, a.topic.group,
        a.topic.name, round(g.rng.uniform(0.4, 0.99), 3), a.place.municipality_id, a.place.settlement_key, a.address,
        a.lat, a.lon, state["agency"], round(g.rng.uniform(0.3, 0.99), 3), a.priority.value, False, 0.9, [],
        a.created, a.first_due, a.due, answered, resolved, state["closed"], state["reject"], state["redirects"],
        work.between(a.created, answered) if answered else None,
        work.between(a.created, resolved) if resolved else None,
        state["reopens"], state["machine"], state["corrected"], state["score"], state["solved"],
    )  # fmt: skip


def ensure_database(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"database name {name!r}: letters, digits and _ only")
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def prepare(url: str) -> ReferenceData:
    """Migrations and the reference seed, as `bootstrap` does them (without building the NLP models)."""
    engine = build_engine(url)
    upgrade(engine)
    with UnitOfWorkFactory(engine)() as work:
        if not work.reference.is_seeded():
            work.reference.seed(load_reference())
            work.commit()
        reference = work.reference.snapshot(44)
    engine.dispose()
    return reference


def existing(url: str) -> int:
    engine = build_engine(url)
    with engine.connect() as connection:
        count = int(connection.execute(text("SELECT count(*) FROM appeals")).scalar_one())
    engine.dispose()
    return count


def _progress(done: int, total: int, started: float) -> None:
    elapsed = clock.monotonic() - started
    rate = done / elapsed if elapsed else 0.0
    eta = (total - done) / rate if rate else 0.0
    bar = "#" * int(30 * done / total)
    sys.stderr.write(f"\r[{bar:<30}] {done:>9,}/{total:,} appeals  {rate:,.0f}/s  eta {eta:,.0f} s ")
    sys.stderr.flush()


def generate(
    url: str, count: int, *, seed: int = 44, until: datetime | None = None, max_seconds: float = MAX_SECONDS
) -> float:
    """Empties this database's runtime tables and writes `count` appeals; returns the seconds it took."""
    reference = prepare(url)
    calendar = russian_calendar(hours=load_working_hours())
    g = Generator(reference, calendar, until or datetime.now(UTC), seed)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    started = clock.monotonic()
    engine = build_engine(url)
    with engine.begin() as sa_connection:
        reset_numbers(sa_connection)  # the counters' sequences too: numbers start after the ones written below
    engine.dispose()
    with psycopg.connect(dsn, autocommit=False) as connection:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE ratings, replies, appeal_events, deliveries, outbox, appeals, messages, number_sequences"
                " RESTART IDENTITY CASCADE"
            )
        per_year: dict[int, int] = {}
        # Appeals arrive in time order, so the table's rows lie in it, as a live region's do: a list read in
        # date order reads neighbouring pages (a random order made every date-ordered read a random one).
        moments = sorted(g.created() for _ in range(count))
        done = 0
        for batch in _batches(count):
            rows = Rows(*(io.StringIO() for _ in range(5)))
            for appeal_id in batch:
                one_appeal(g, rows, appeal_id, per_year, moments[appeal_id - 1])
            _copy(connection, rows)
            connection.commit()
            done += len(batch)
            _progress(done, count, started)
            if clock.monotonic() - started > max_seconds:
                sys.stderr.write("\ntime bound reached: stopping with what was written\n")
                break
        with connection.cursor() as cursor:
            for table in ("messages", "appeals", "appeal_events", "replies", "ratings"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            for year, last in per_year.items():
                cursor.execute(
                    "INSERT INTO number_sequences (region, year, last_value) VALUES (44, %s, %s)", (year, last)
                )
            connection.commit()
        connection.autocommit = True
    fill_rollup(url)  # COPY bypasses the ORM that keeps the dashboard's rollup: count it once from the rows
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    sys.stderr.write("\n")
    return clock.monotonic() - started


def fill_rollup(url: str) -> int:
    """`otklik analytics rebuild-rollups` on the generated rows."""
    engine = build_engine(url)
    with engine.begin() as connection:
        read = rebuild(connection)
    engine.dispose()
    return read


def _batches(count: int) -> Iterator[Sequence[int]]:
    for start in range(1, count + 1, BATCH):
        yield range(start, min(count, start + BATCH - 1) + 1)


def _copy(connection: psycopg.Connection, rows: Rows) -> None:
    with connection.cursor() as cursor:
        for table, columns, buffer in (
            ("messages", MESSAGE_COLUMNS, rows.messages),
            ("appeals", APPEAL_COLUMNS, rows.appeals),
            ("appeal_events", EVENT_COLUMNS, rows.events),
            ("replies", REPLY_COLUMNS, rows.replies),
            ("ratings", RATING_COLUMNS, rows.ratings),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--seed", type=int, default=44)
    parser.add_argument("--force", action="store_true", help="regenerate even if the database is already filled")
    parser.add_argument("--max-seconds", type=float, default=MAX_SECONDS, help="stop with what is written by then")
    args = parser.parse_args(argv)
    if not 1 <= args.count <= 5_000_000:
        parser.error("--count is from 1 to 5,000,000")
    url = ensure_database(args.database)
    prepare(url)
    have = existing(url)
    if have == args.count and not args.force:
        print(f"generate_appeals_reused: {have} appeals")
        return 0
    seconds = generate(url, args.count, seed=args.seed, max_seconds=args.max_seconds)
    print(f"generate_appeals_count: {existing(url)} appeals")
    print(f"generate_appeals_time: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
