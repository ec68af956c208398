"""The weekly report as a PDF in Russian: an HTML template (web/templates/reports/weekly.html) laid out by
WeasyPrint with DejaVu fonts (Debian's fonts-dejavu-core: Cyrillic), the charts and the map inline as SVG."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from weasyprint import HTML

from otklik.adapters.reports import charts
from otklik.adapters.reports.figures import (
    INCIDENT_STATUS_RU,
    Kind,
    local,
    period_text,
    previous_text,
    shown,
    summary_lines,
)
from otklik.domain.reports import WeeklyReport

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates" / "reports"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
_env.filters["pct"] = lambda value: shown(value, Kind.SHARE)
_env.filters["num"] = lambda value: shown(value, Kind.COUNT)
_env.filters["one"] = lambda value: shown(value, Kind.HOURS)
_env.filters["local"] = lambda moment: f"{local(moment):%d.%m.%Y %H:%M}" if moment else "—"
OVERDUE_IN_PDF = 60  # the PDF is read by people; the full register is in the XLSX


def render(report: WeeklyReport) -> bytes:
    trend = report.trend.volumes
    by_group = report.summary.volumes.by_group
    places = [m for m in report.municipalities if m.in_scope]
    pictures = {
        "weeks": charts.bars(
            "Обращения по неделям" if trend.bucket.value == "week" else "Обращения по периодам",
            [bar.label for bar in trend.by_period],
            [bar.count.value for bar in trend.by_period],
        ),
        "groups": charts.bars(
            "Обращения по группам тем", [b.label for b in by_group], [b.count.value for b in by_group], horizontal=True
        ),
        "map": charts.choropleth(
            "Обращения на 1000 жителей",
            report.boundaries.get("features", []),
            {m.id: m.per_1000 for m in report.municipalities},
            "обращений на 1000 жителей",
        ),
    }
    html = _env.get_template("weekly.html").render(
        report=report,
        period=period_text(report),
        previous=previous_text(report),
        lines=[
            (line.label, shown(line.current, line.kind), shown(line.previous, line.kind))
            for line in summary_lines(report)
        ],
        places=places,
        overdue=report.overdue[:OVERDUE_IN_PDF],
        statuses=INCIDENT_STATUS_RU,
        pictures={key: Markup(svg) for key, svg in pictures.items()},  # our own matplotlib SVG, not user input
        attribution=report.boundaries.get("attribution", ""),
    )
    result = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    assert result is not None
    return bytes(result)
