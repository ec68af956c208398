"""The weekly report as an Excel workbook (openpyxl): six sheets with styled, frozen headers, number formats and
native Excel charts (volumes by week and by group) that stay editable in Excel and LibreOffice."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from otklik.adapters.reports.figures import (
    INCIDENT_STATUS_RU,
    Kind,
    local,
    period_text,
    previous_text,
    summary_lines,
)
from otklik.domain.reports import WeeklyReport

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=14)
FORMATS = {Kind.COUNT: "#,##0", Kind.SHARE: "0.0%", Kind.HOURS: "0.0", Kind.SCORE: "0.0"}
DATE = "DD.MM.YYYY"
DATETIME = "DD.MM.YYYY HH:MM"
PERCENT = "0.0%"
Column = tuple[str, int, str | None]  # header, width in characters, number format


def render(report: WeeklyReport) -> bytes:
    book = Workbook()
    _summary(book.active, report)
    _municipalities(book.create_sheet("Муниципалитеты"), report)
    _bodies(book.create_sheet("Органы"), report)
    _overdue(book.create_sheet("Просрочено"), report)
    _problems(book.create_sheet("Главные проблемы"), report)
    _spikes(book.create_sheet("Всплески"), report)
    book.properties.title = f"Еженедельный отчёт {period_text(report)}"
    book.properties.creator = "Отклик"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _table(sheet: Worksheet, top: int, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> int:
    """A header row at `top` and the rows under it; returns the row after the table."""
    for index, (title, width, _) in enumerate(columns, start=1):
        cell = sheet.cell(row=top, column=index, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, width)
    for offset, row in enumerate(rows, start=1):
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=top + offset, column=index, value=value)
            number_format = columns[index - 1][2]
            if number_format:
                cell.number_format = number_format
    return top + len(rows) + 1


def _title(sheet: Worksheet, report: WeeklyReport, title: str) -> None:
    sheet["A1"] = title
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = (
        f"{report.scope_label}; период {period_text(report)}; сформирован {local(report.generated_at):%d.%m.%Y %H:%M}"
    )


def _summary(sheet: Worksheet, report: WeeklyReport) -> None:
    sheet.title = "Сводка"
    _title(sheet, report, "Еженедельный отчёт об обращениях граждан")
    lines = summary_lines(report)
    columns: list[Column] = [
        ("Показатель", 48, None),
        (f"Период {period_text(report)}", 24, None),
        (f"Предыдущий {previous_text(report)}", 24, None),
    ]
    end = _table(sheet, 4, columns, [(line.label, line.current, line.previous) for line in lines])
    for offset, line in enumerate(lines, start=5):
        for column in (2, 3):
            sheet.cell(row=offset, column=column).number_format = FORMATS[line.kind]
    sheet.freeze_panes = "A5"
    # The charts' data: volumes by week (or by month for a long period) and by group.
    weeks_top = end + 2
    weekly = [(bar.label, bar.count.value) for bar in report.trend.volumes.by_period]
    after_weeks = _table(sheet, weeks_top, [("Неделя", 48, None), ("Обращений", 24, "#,##0")], weekly)
    groups_top = after_weeks + 2
    groups = [(bar.label, bar.count.value) for bar in report.summary.volumes.by_group]
    _table(sheet, groups_top, [("Группа тем", 48, None), ("Обращений", 24, "#,##0")], groups)
    _bar_chart(sheet, "Обращения по неделям", weeks_top, len(weekly), "E4", horizontal=False)
    _bar_chart(sheet, "Обращения по группам тем за период", groups_top, len(groups), "E22", horizontal=True)


def _bar_chart(sheet: Worksheet, title: str, header_row: int, count: int, anchor: str, *, horizontal: bool) -> None:
    if count == 0:
        return
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 8.5, 17
    data = Reference(sheet, min_col=2, min_row=header_row, max_row=header_row + count)
    labels = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=header_row + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    sheet.add_chart(chart, anchor)


def _municipalities(sheet: Worksheet, report: WeeklyReport) -> None:
    columns: list[Column] = [
        ("Муниципалитет", 36, None),
        ("ОКТМО", 11, None),
        ("Население", 12, "#,##0"),
        ("Обращений", 12, "#,##0"),
        ("На 1000 жителей", 12, "0.00"),
        ("Отвечено в срок", 12, PERCENT),
        ("Просрочено", 12, "#,##0"),
        ("Средняя оценка", 12, "0.0"),
    ]
    rows = [
        (m.name, m.id, m.population or None, m.appeals, m.per_1000, m.on_time_share, m.overdue, m.average_score)
        for m in report.municipalities
        if m.in_scope
    ]
    _table(sheet, 1, columns, rows)
    sheet.freeze_panes = "B2"


def _bodies(sheet: Worksheet, report: WeeklyReport) -> None:
    weeks = report.league.weeks
    columns: list[Column] = [
        ("Место", 7, None),
        ("Орган", 48, None),
        ("Окончательных ответов", 13, "#,##0"),
        ("В срок", 10, PERCENT),
        ("Средняя оценка", 10, "0.0"),
        ("«Решено»", 10, PERCENT),
        ("Возвращено", 11, PERCENT),
        ("Перенаправлено", 14, PERCENT),
        *[(f"В срок, неделя с {w:%d.%m}", 13, PERCENT) for w in weeks],
    ]
    rows = [
        (
            r.rank,
            r.name,
            r.answered,
            r.on_time.value,
            r.satisfaction.average_score,
            r.satisfaction.solved.value,
            r.reopen_rate.value,
            r.redirect_rate.value,
            *[p.on_time_share for p in r.trend],
        )
        for r in report.league.rows
    ]
    _table(sheet, 1, columns, rows)
    sheet.freeze_panes = "C2"


def _overdue(sheet: Worksheet, report: WeeklyReport) -> None:
    columns: list[Column] = [
        ("Номер", 16, None),
        ("Зарегистрировано", 17, DATETIME),
        ("Срок ответа", 17, DATETIME),
        ("Дней просрочки", 10, "0"),
        ("Орган", 44, None),
        ("Муниципалитет", 28, None),
        ("Группа тем", 28, None),
        ("Тема", 40, None),
    ]
    rows = [
        (o.number, local(o.created_at), local(o.due_at), o.days_overdue, o.agency, o.municipality, o.group, o.topic)
        for o in report.overdue
    ]
    end = _table(sheet, 1, columns, rows)
    sheet.freeze_panes = "B2"
    if report.overdue_total > len(report.overdue):
        sheet.cell(row=end + 1, column=1, value=f"Показаны {len(report.overdue)} из {report.overdue_total}")


def _problems(sheet: Worksheet, report: WeeklyReport) -> None:
    sheet["A1"] = "Частые темы за период"
    sheet["A1"].font = Font(bold=True)
    topics = [(t.group, t.topic, t.appeals) for t in report.top_topics]
    end = _table(sheet, 2, [("Группа тем", 30, None), ("Тема", 48, None), ("Обращений", 12, "#,##0")], topics)
    sheet.freeze_panes = "A3"
    top = end + 2
    sheet.cell(row=top, column=1, value="Крупнейшие инциденты (одна проблема — много заявителей)").font = Font(
        bold=True
    )
    columns: list[Column] = [
        ("Группа тем", 30, None),
        ("Тема", 48, None),
        ("Заявителей", 12, "#,##0"),
        ("Муниципалитет", 28, None),
        ("Инцидент №", 11, None),
        ("Статус", 14, None),
    ]
    incidents = [
        (i.group, i.topic, i.reporters, i.municipality, i.incident_id, INCIDENT_STATUS_RU.get(i.status, i.status))
        for i in report.top_incidents
    ]
    _table(sheet, top + 1, columns, incidents)


def _spikes(sheet: Worksheet, report: WeeklyReport) -> None:
    columns: list[Column] = [
        ("Начало", 17, DATETIME),
        ("Муниципалитет", 28, None),
        ("Группа тем", 26, None),
        ("Тема", 34, None),
        ("Обращений (пик)", 12, "#,##0"),
        ("Окно, ч", 8, "0"),
        ("Норма в день", 11, "0.0"),
        ("Закрыт", 17, DATETIME),
        ("Оповещение", 70, None),
    ]
    rows = [
        (
            local(s.raised_at),
            s.municipality,
            s.group,
            s.topic,
            s.count,
            s.window_hours,
            s.rate_per_day,
            local(s.closed_at) if s.closed_at else None,
            s.text,
        )
        for s in report.spikes
    ]
    _table(sheet, 1, columns, rows)
    sheet.freeze_panes = "A2"
