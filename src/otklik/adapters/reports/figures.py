"""What both renderings show, in the same words: the summary lines (this period beside the previous one) and the
Russian formatting of numbers and dates. Renderers differ only in layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from otklik.domain.analytics import Summary
from otklik.domain.calendar import MOSCOW
from otklik.domain.reports import WeeklyReport

INCIDENT_STATUS_RU = {"proposed": "предложен", "confirmed": "подтверждён", "closed": "закрыт"}


class Kind(StrEnum):
    COUNT = "count"
    SHARE = "share"
    HOURS = "hours"
    SCORE = "score"


@dataclass(frozen=True)
class SummaryLine:
    label: str
    kind: Kind
    current: float | None
    previous: float | None


def summary_lines(report: WeeklyReport) -> list[SummaryLine]:
    def line(label: str, kind: Kind, pick: Callable[[Summary], float | None]) -> SummaryLine:
        return SummaryLine(label, kind, pick(report.summary), pick(report.previous))

    def open_total(s: Summary) -> int:
        return sum(b.open.value for b in s.backlog)

    def overdue_total(s: Summary) -> int:
        return sum(b.overdue.value for b in s.backlog)

    return [
        line("Обращений зарегистрировано", Kind.COUNT, lambda s: s.total.value),
        line("Проблем (инцидент считается один раз)", Kind.COUNT, lambda s: s.problems),
        line("С окончательным ответом", Kind.COUNT, lambda s: s.final_answer.measured.value),
        line("Отвечено в срок, доля", Kind.SHARE, lambda s: s.on_time.value),
        line("Первый ответ, медиана, раб. ч", Kind.HOURS, lambda s: s.first_response.median),
        line("Первый ответ, 90-й процентиль, раб. ч", Kind.HOURS, lambda s: s.first_response.p90),
        line("Окончательный ответ, медиана, раб. ч", Kind.HOURS, lambda s: s.final_answer.median),
        line("Окончательный ответ, 90-й процентиль, раб. ч", Kind.HOURS, lambda s: s.final_answer.p90),
        line("Средняя оценка заявителей", Kind.SCORE, lambda s: s.satisfaction.average_score),
        line("Доля «решено» среди оценённых", Kind.SHARE, lambda s: s.satisfaction.solved.value),
        line("Возвращено «не решено», доля", Kind.SHARE, lambda s: s.reopen_rate.value),
        line("Перенаправлено, доля", Kind.SHARE, lambda s: s.redirect_rate.value),
        line("Назначено машиной без человека, доля", Kind.SHARE, lambda s: s.machine_routed.value),
        line("В работе (из зарегистрированных за период)", Kind.COUNT, open_total),
        line("Просрочено (из зарегистрированных за период)", Kind.COUNT, overdue_total),
    ]


def shown(value: float | None, kind: Kind) -> str:
    """A figure as a Russian reader writes it: «12,5 %», «1 234», «—» for no data."""
    if value is None:
        return "—"
    if kind is Kind.SHARE:
        return f"{value * 100:.1f} %".replace(".", ",")
    if kind is Kind.COUNT:
        return f"{int(value):,}".replace(",", "\u00a0")
    return f"{value:.1f}".replace(".", ",")


def ru_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def local(moment: datetime) -> datetime:
    """Region's wall-clock time without a zone (spreadsheets cannot hold zones)."""
    return moment.astimezone(MOSCOW).replace(tzinfo=None)


def period_text(report: WeeklyReport) -> str:
    return f"{ru_date(report.start)} — {ru_date(report.end)}"


def previous_text(report: WeeklyReport) -> str:
    return f"{ru_date(report.previous_start)} — {ru_date(report.previous_end)}"
