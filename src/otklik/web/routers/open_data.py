"""Open data: anonymised weekly aggregates of the region's appeals as CSV and JSON, public (docs/open-data.md).

`GET /api/v1/open-data/appeals.csv|.json?from=&to=` — week × municipality × group: appeals, answered, answered
on time, median working hours to the answer. No personal data, no text; cells under 3 appeals are left out."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from datetime import date
from io import StringIO
from typing import Any

from fastapi import APIRouter, Query, Response

from otklik.domain.reports import SMALL_CELL, OpenDataRow
from otklik.services import reports as reports_service
from otklik.web.dependencies import Ctx

router = APIRouter(prefix="/api/v1/open-data", tags=["open data"])
FIELDS = [
    "week_start",
    "municipality_id",
    "municipality",
    "group",
    "appeals",
    "answered",
    "answered_on_time",
    "median_answer_hours",
]
LICENSE = "CC BY 4.0"
DICTIONARY = "/docs/open-data.md"


def _rows(ctx: Ctx, start: date | None, end: date | None) -> tuple[date, date, list[OpenDataRow]]:
    start, end = reports_service.open_data_period(ctx, start, end)
    return start, end, reports_service.open_data(ctx, start, end)


def _headers(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "public, max-age=3600"}


@router.get("/appeals.json")
def appeals_json(
    ctx: Ctx,
    start: date | None = Query(None, alias="from", description="first day; default: 12 complete weeks ago"),
    end: date | None = Query(None, alias="to", description="last day; default: last Sunday"),
) -> Response:
    """The aggregates with their metadata (period, suppression rule, licence). No authentication: public data."""
    start, end, rows = _rows(ctx, start, end)
    body: dict[str, Any] = {
        "title": "Обращения граждан Костромской области по неделям, муниципалитетам и группам тем",
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "suppression": f"cells with fewer than {SMALL_CELL} appeals are omitted; the median answer time is "
        f"omitted when fewer than {SMALL_CELL} answers are measured",
        "license": LICENSE,
        "dictionary": DICTIONARY,
        "fields": FIELDS,
        "rows": [{**asdict(r), "week_start": r.week_start.isoformat()} for r in rows],
    }
    return Response(
        json.dumps(body, ensure_ascii=False), media_type="application/json", headers=_headers("appeals.json")
    )


@router.get(
    "/appeals.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the rows as CSV with a header row"}},
)
def appeals_csv(
    ctx: Ctx,
    start: date | None = Query(None, alias="from", description="first day; default: 12 complete weeks ago"),
    end: date | None = Query(None, alias="to", description="last day; default: last Sunday"),
) -> Response:
    """The same rows as CSV (UTF-8, comma-separated, header row; an empty median means «withheld»)."""
    _, _, rows = _rows(ctx, start, end)
    out = StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**asdict(row), "week_start": row.week_start.isoformat()})
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=_headers("appeals.csv"))
