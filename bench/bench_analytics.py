"""Dashboard latency at scale: the summary, the dashboard page and the league table on PostgreSQL over the
database `bench/generate_appeals.py` fills (default `otklik_bench_1m`, 1,000,000 appeals; generated first if
missing — that takes a while, see docs/analytics.md).

    .venv/bin/python bench/bench_analytics.py [--database otklik_bench_1m] [--count 1000000] [--repeat 5]

Prints `name: value unit` lines: p50/p95 of the summary over several filter mixes, as the administrator (the
whole region) and as a district moderator (one municipality); the dashboard page over HTTP on loopback (the real
app under uvicorn, signed in with a cookie); the league table. Targets (issue 9): summary ≤ 1 s, page ≤ 2 s.
Bounded: `--repeat` runs of each mix (at most 20), one request at a time, 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the shared loopback server of the tests
sys.path.insert(0, str(Path(__file__).resolve().parent))

from channels.loopback import serve
from generate_appeals import DEFAULT_DATABASE, ensure_database, existing, generate
from otklik.adapters.bus.inprocess import InProcessBus
from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.mappers import start_mappers
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.clock import SystemClock
from otklik.domain.access import Role, staff
from otklik.domain.analytics import AppealSlice
from otklik.reference.files import load_deadline_policies, load_working_hours
from otklik.reference.production_calendar import russian_calendar
from otklik.reference.region_area import RegionArea
from otklik.services import analytics
from otklik.services import staff as staff_service
from otklik.services.context import ServiceContext
from otklik.services.handlers import HANDLERS
from otklik.settings import Settings
from otklik.web.app import create_app
from otklik.web.ui.session import SESSION_COOKIE

BENCH_LOGIN, BENCH_PASSWORD = "bench.analyst", "Бенчмарк-2026-пароль"


def context(url: str) -> ServiceContext:
    """The service's context without the NLP models (the dashboard reads figures, it classifies nothing)."""
    start_mappers()
    engine = build_engine(url)
    uow = UnitOfWorkFactory(engine)
    with uow(readonly=True) as work:
        reference = work.reference.snapshot(44)
    settings = Settings(database_url=url, password_rounds=4)
    ctx = ServiceContext(
        settings=settings,
        uow=uow,
        clock=SystemClock(),
        reference=reference,
        understanding=None,  # type: ignore[arg-type]
        calendar=russian_calendar(hours=load_working_hours()),
        policies=load_deadline_policies(),
        region_area=RegionArea(reference),
    )
    ctx.bus = InProcessBus(ctx, HANDLERS)
    return ctx


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm the caches once, as a morning's first look does
    spans = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        spans.append(time.perf_counter() - started)
    return spans


def report(name: str, spans: list[float]) -> None:
    ordered = sorted(spans)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{name}_p50: {statistics.median(ordered) * 1000:.0f} ms")
    print(f"{name}_p95: {p95 * 1000:.0f} ms")


def mixes(ctx: ServiceContext) -> dict[str, AppealSlice]:
    today = ctx.clock.now().astimezone(ctx.calendar.tz).date()
    year_ago = today - timedelta(days=364)
    group = ctx.reference.rubricator.groups[0].name
    return {
        "year": AppealSlice(year_ago, today),
        "month": AppealSlice(today - timedelta(days=29), today),
        "quarter_group": AppealSlice(today - timedelta(days=90), today, group=group),
        "year_channel": AppealSlice(year_ago, today, channel="vk"),
    }


def bench_summary(ctx: ServiceContext, repeat: int, district: str) -> None:
    admin = staff("bench.admin", Role.ADMIN)
    moderator = staff("bench.district", Role.DISTRICT_MODERATOR, municipality_id=district)
    everything: list[float] = []
    for name, part in mixes(ctx).items():
        spans = timed(lambda part=part: analytics.summary(ctx, admin, part), repeat)  # type: ignore[misc]
        report(f"summary_admin_{name}", spans)
        everything += spans
        spans = timed(lambda part=part: analytics.summary(ctx, moderator, part), repeat)  # type: ignore[misc]
        report(f"summary_district_{name}", spans)
        everything += spans
    report("summary_all_mixes", everything)
    year = mixes(ctx)["year"]
    report("league_admin_year", timed(lambda: analytics.league_table(ctx, admin, year), repeat))
    report("league_district_year", timed(lambda: analytics.league_table(ctx, moderator, year), repeat))


def bench_page(ctx: ServiceContext, repeat: int) -> None:
    known = {user.login for user in staff_service.list_users(ctx)}
    if BENCH_LOGIN not in known:
        new = staff_service.NewUser(BENCH_LOGIN, Role.ANALYST, BENCH_PASSWORD, "Бенчмарк", None, None)
        staff_service.add_user(ctx, new)
    session = staff_service.sign_in(ctx, BENCH_LOGIN, BENCH_PASSWORD, client="127.0.0.1", kind="cookie")
    cookies = {SESSION_COOKIE: session.token}
    with serve(create_app(ctx)) as base_url, httpx.Client(base_url=base_url, timeout=60, cookies=cookies) as http:
        today = date.today()
        year = f"from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"

        def get(path: str) -> None:
            response = http.get(path)
            assert response.status_code == 200, response.text[:300]

        report("dashboard_page_month", timed(lambda: get("/ui/analytics"), repeat))
        report("dashboard_page_year", timed(lambda: get(f"/ui/analytics?{year}"), repeat))
        report("league_page_year", timed(lambda: get(f"/ui/analytics/league?{year}"), repeat))
        overdue = f"/ui/analytics/appeals?{year}&measure=overdue"
        report("drilldown_page_overdue", timed(lambda: get(overdue), repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--count", type=int, default=1_000_000, help="appeals to generate if the database is empty")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    repeat = max(1, min(20, args.repeat))
    url = ensure_database(args.database)
    have = existing_or_zero(url)
    if have == 0:
        seconds = generate(url, args.count)
        print(f"generate_appeals_time: {seconds:.1f} s")
        have = existing(url)
    print(f"bench_appeals: {have} appeals")
    ctx = context(url)
    district = "34730000"  # Шарья: a district centre of average size
    bench_summary(ctx, repeat, district)
    bench_page(ctx, repeat)
    return 0


def existing_or_zero(url: str) -> int:
    try:
        return existing(url)
    except Exception:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
