"""Appeals from the past: an archive row as it was (an «Инцидент Менеджмент» export), and what its outcome means.

An imported appeal is not judged again: its group, topic, place, body, answers and outcome are the archive's,
mapped onto the reference data by name (docs/im-history.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from otklik.domain.rubricator import PRIORITY_MARK
from otklik.domain.status import AppealStatus, RejectReason

IMPORT_ACTOR = "импорт «Инцидент Менеджмент»"
_NOT_A_NAME = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class HistoricalAnswer:
    text: str
    at: datetime


@dataclass(frozen=True)
class HistoricalAppeal:
    """One archive row; names as the archive spells them (mapped later), dates with their zone."""

    external_id: str  # «im:<ID>»: the same key `otklik import im` gives the row, so no incident comes in twice
    text: str
    created_at: datetime
    incident_id: str | None = None
    group: str | None = None
    topic: str | None = None
    municipality: str | None = None
    settlement: str | None = None
    street: str | None = None
    house: str | None = None
    executor: str | None = None
    answers: tuple[HistoricalAnswer, ...] = ()
    outcome: str | None = None  # «Итог»
    ended_at: datetime | None = None  # «Дата окончания»
    post_url: str | None = None
    author_url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # every other column, kept as it was

    @property
    def address(self) -> str | None:
        street = " ".join(p for p in (self.street, self.house) if p)
        parts = [p for p in (self.settlement, street) if p]
        return ", ".join(parts) or None


@dataclass(frozen=True)
class Outcome:
    status: AppealStatus
    reject_reason: RejectReason | None = None
    known: bool = True  # False: «Итог» said something we do not know; the status follows the dates and answers


# «Итог» values (normalised by name_key) of closed incidents, and of incidents the center dismissed.
_CLOSED = frozenset(
    {
        "решено",
        "разъяснено",
        "выполнено",
        "исполнено",
        "принято к сведению",
        "учтено",
        "отказано",
        "не подтвердилось",
        "закрыто",
        "дан ответ",
    }
)
_REJECTED = {
    "спам": RejectReason.SPAM,
    "не обращение": RejectReason.NOT_AN_APPEAL,
    "не является обращением": RejectReason.NOT_AN_APPEAL,
    "не инцидент": RejectReason.NOT_AN_APPEAL,
    "нерелевантно": RejectReason.NOT_AN_APPEAL,
    "флуд": RejectReason.NOT_AN_APPEAL,
    "дубль": RejectReason.DUPLICATE,
    "дубликат": RejectReason.DUPLICATE,
}


def name_key(name: str) -> str:
    """Names compared as people mean them: case, ё, «★», quotes, punctuation and spacing do not matter."""
    text = name.replace(PRIORITY_MARK, " ").casefold().replace("ё", "е")
    return " ".join(_NOT_A_NAME.sub(" ", text).split())


def outcome_of(row: HistoricalAppeal) -> Outcome:
    """The status the archive's row ended in: «Итог» first; without one, an end date or an answer closes it."""
    key = name_key(row.outcome or "")
    if key in _REJECTED:
        return Outcome(AppealStatus.REJECTED, _REJECTED[key])
    if key in _CLOSED:
        return Outcome(AppealStatus.CLOSED)
    known = not key
    if row.ended_at is not None:
        return Outcome(AppealStatus.CLOSED, known=known)
    if row.answers:
        return Outcome(AppealStatus.ANSWERED, known=known)
    return Outcome(AppealStatus.ASSIGNED, known=known)
