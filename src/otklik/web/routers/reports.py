"""The weekly report for download: `GET /api/v1/analytics/report?from=&to=&format=xlsx|pdf[&municipality=]`, within
the reader's scope (a district office gets its municipality, a body its own appeals) — docs/reports.md."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from otklik.domain.access import Principal
from otklik.domain.reports import ReportFormat
from otklik.services import reports as reports_service
from otklik.services.context import ServiceContext
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.routers.analytics import SliceQuery, to_slice

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
FILE_DESCRIPTION = {
    "content": {ReportFormat.XLSX.media_type: {}, ReportFormat.PDF.media_type: {}},
    "description": "the report file (Content-Disposition: attachment)",
}


def report_response(
    ctx: ServiceContext, principal: Principal, start: date, end: date, municipality: str | None, fmt: ReportFormat
) -> Response:
    """Build and render the report (422 with the reason for a bad period or place) as an attachment."""
    part = to_slice(ctx, SliceQuery(start=start, end=end, municipality=municipality))
    report = reports_service.weekly_report(ctx, principal, start, end, part.municipality_id)
    content = reports_service.render(report, fmt)
    name = f"{report.file_stem}.{fmt.value}"
    return Response(
        content,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/report", response_class=Response, responses={200: FILE_DESCRIPTION})
async def weekly_report(
    ctx: Ctx,
    principal: StaffPrincipal,
    start: date = Query(..., alias="from", description="first day (YYYY-MM-DD, the region's time)"),
    end: date = Query(..., alias="to", description="last day, inclusive"),
    fmt: ReportFormat = Query(ReportFormat.XLSX, alias="format", description="xlsx or pdf"),
    municipality: str | None = Query(None, max_length=200, description="municipality id (OKTMO) or name"),
) -> Response:
    """The governor's weekly report: summary beside the previous period, municipalities, bodies, the overdue
    register, top problems and spikes; no personal data. Rendering takes a second or two: off the event loop."""
    return await run_in_threadpool(report_response, ctx, principal, start, end, municipality, fmt)
