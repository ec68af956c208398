"""The weekly report at scale: assembling the figures (PostgreSQL) and rendering XLSX and PDF, over the database
`bench/generate_appeals.py` fills (default `otklik_bench_1m`; this bench does not generate it — run
`bench/bench_analytics.py` or `bench/generate_appeals.py` first).

    .venv/bin/python bench/bench_reports.py [--database otklik_bench_1m] [--repeat 3]

Prints `name: value unit` lines: the p50 of assembling the last full week's report for the whole region (the CLI's
system view) and for one municipality, and of rendering each format. Bounded: `--repeat` (at most 10) runs each,
one at a time, loopback database only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analytics import context
from generate_appeals import ADMIN_URL, DEFAULT_DATABASE, existing
from otklik.domain.access import SYSTEM
from otklik.domain.analytics import Bucket, bucket_start
from otklik.domain.reports import ReportFormat
from otklik.services import reports


def timed(call: Callable[[], object], repeat: int) -> tuple[float, object]:
    result = call()  # the first run warms the caches (the boundaries' simplification, the fonts)
    spans = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        spans.append(time.perf_counter() - started)
    return statistics.median(spans), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    repeat = max(1, min(args.repeat, 10))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{args.database}"
    count = existing(url)
    if count == 0:
        raise SystemExit(f"database {args.database} has no appeals; generate it with bench/generate_appeals.py")
    ctx = context(url)
    today = ctx.clock.now().astimezone(ctx.calendar.tz).date()
    end = bucket_start(today, Bucket.WEEK) - timedelta(days=1)
    start = end - timedelta(days=6)
    print(f"report_database_appeals: {count} appeals")
    region, report = timed(lambda: reports.weekly_report(ctx, SYSTEM, start, end), repeat)
    print(f"report_assemble_region_p50: {region * 1000:.0f} ms")
    place = ctx.reference.municipalities[0].id
    one, _ = timed(lambda: reports.weekly_report(ctx, SYSTEM, start, end, place), repeat)
    print(f"report_assemble_municipality_p50: {one * 1000:.0f} ms")
    for fmt in ReportFormat:
        spent, content = timed(lambda fmt=fmt: reports.render(report, fmt), repeat)  # type: ignore[misc]
        print(f"report_render_{fmt.value}_p50: {spent * 1000:.0f} ms")
        assert isinstance(content, bytes)
        print(f"report_{fmt.value}_size: {len(content) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
