"""Appeal list latency at a million appeals on PostgreSQL: every list filter, the number lookup, search, and a
deep keyset page, as the administrator (the whole region) and as a district moderator (one municipality).

    .venv/bin/python bench/bench_reads.py [--database otklik_bench_1m] [--repeat 7]

Over the database `bench/generate_appeals.py` fills (1,000,000 appeals; migrated to the heads first with
`OTKLIK_DATABASE_URL=… otklik db upgrade`, which adds the list indexes of migration `reads_at_scale_indexes`).
Each measurement is one call of the service `list_page` as `GET /api/v1/appeals` makes it (the page of 50, its
capped total, the next cursor), plus the highlights for a search. Prints `name: value unit` lines (p50/p95) and
the load average at the start and end: the machine is shared, the figures are upper bounds. Targets (issue 10):
every list filter p50 ≤ 50 ms, the number lookup ≤ 5 ms. Bounded: `--repeat` calls of each (at most 30), one at a
time, 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analytics import context
from generate_appeals import ADMIN_URL, DEFAULT_DATABASE
from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.domain.access import Principal, Role, staff
from otklik.domain.analytics import AppealSlice, Measure
from otklik.services import appeal_search
from otklik.services.appeals import list_page
from otklik.services.context import ServiceContext

DISTRICT = "34614000"  # a district of about 65,000 appeals (6.5 % of the region)
COMMON_WORD = "ситуация"  # in about a quarter of the generated appeals
RARE_WORD = "Шумкова"  # a surname of a few hundred appeals
DEEP_PAGES = 200  # the keyset walk before the deep page is measured: 10,000 appeals down


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm the caches once
    spans = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        spans.append(time.perf_counter() - started)
    return spans


def report(name: str, spans: list[float]) -> None:
    ordered = sorted(spans)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{name}_p50: {statistics.median(ordered) * 1000:.1f} ms")
    print(f"{name}_p95: {p95 * 1000:.1f} ms")


def page_call(ctx: ServiceContext, who: Principal, filters: AppealFilter) -> Callable[[], object]:
    def call() -> object:
        found = list_page(ctx, who, filters)
        if filters.query:
            appeal_search.highlights(ctx, who, filters.query, found.items)
        return found

    return call


def deep_cursor(ctx: ServiceContext, who: Principal, filters: AppealFilter) -> str | None:
    """The cursor of page DEEP_PAGES + 1, reached by following next_cursor (bounded by DEEP_PAGES calls)."""
    cursor: str | None = None
    for _ in range(DEEP_PAGES):
        cursor = list_page(ctx, who, replace(filters, cursor=cursor)).next_cursor
        if cursor is None:
            break
    return cursor


def filters_of(ctx: ServiceContext, number: str) -> dict[str, AppealFilter]:
    now = ctx.clock.now()
    group = ctx.reference.rubricator.groups[0].name
    year = now.astimezone(ctx.calendar.tz).date()
    capped = AppealFilter(exact_total=False, measured_at=now)
    return {
        "first_page": capped,
        "status_in_progress": replace(capped, status="in_progress"),
        "status_resolved": replace(capped, status="resolved"),
        "overdue": replace(capped, overdue_at=now),
        "agency": replace(capped, agency_id="health"),
        "municipality": replace(capped, municipality_id=DISTRICT),
        "group": replace(capped, group=group),
        "channel": replace(capped, slice=AppealSlice(channel="vk")),
        "q_common_word": replace(capped, query=COMMON_WORD),
        "q_common_word_by_date": replace(capped, query=COMMON_WORD, sort="date"),
        "q_rare_word": replace(capped, query=RARE_WORD),
        "number": replace(capped, query=number),
        # The dashboard's drill-down: a period and a measure, counted exactly (its total is the figure).
        "drilldown_month_overdue": AppealFilter(
            slice=AppealSlice(year - timedelta(days=29), year, measure=Measure.OVERDUE), measured_at=now
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    repeat = max(1, min(30, args.repeat))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{args.database}"
    ctx = context(url)
    with ctx.uow.engine.connect() as connection:
        held = connection.execute(text("SELECT count(*) FROM appeals")).scalar_one()
        indexed = connection.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_appeals_keyset'")).first()
        number = connection.execute(text("SELECT number FROM appeals ORDER BY id DESC LIMIT 1")).scalar_one()
        district_number = connection.execute(
            text("SELECT number FROM appeals WHERE municipality_id = :m ORDER BY id LIMIT 1"), {"m": DISTRICT}
        ).scalar_one()
    if indexed is None:
        print("the list indexes are missing: run `otklik db upgrade` on this database first", file=sys.stderr)
        return 2
    print(f"bench_appeals: {held} appeals")
    print(f"load_average_start: {os.getloadavg()[0]:.2f} (1 min)")
    people = {
        "admin": staff("bench.admin", Role.ADMIN),
        "district": staff("bench.district", Role.DISTRICT_MODERATOR, municipality_id=DISTRICT),
    }
    for who_name, who in people.items():
        for name, filters in filters_of(ctx, number if who_name == "admin" else district_number).items():
            report(f"{who_name}_{name}", timed(page_call(ctx, who, filters), repeat))
        base = AppealFilter(exact_total=False)
        cursor = deep_cursor(ctx, who, base)
        deep = replace(base, cursor=cursor)
        report(f"{who_name}_keyset_page_{DEEP_PAGES + 1}", timed(page_call(ctx, who, deep), repeat))
        offset = replace(base, page=DEEP_PAGES + 1)
        report(f"{who_name}_offset_page_{DEEP_PAGES + 1}", timed(page_call(ctx, who, offset), repeat))
    print(f"load_average_end: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
