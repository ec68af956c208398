"""Reading an «Инцидент Менеджмент» export as history: every row an appeal as it was (docs/im-history.md).

The columns of the real export (47 of them; ../shared/docs/real-text.md) that say what happened are mapped; the
rest are kept as raw data. Dates are Moscow wall-clock times; durations are `H:MM:SS.ffffff` or
`N days, H:MM:SS`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from otklik.channels.im_import.workbook import CREATED, TEXT, _content_id, _header_name, _moment, _plain
from otklik.domain.errors import InvalidInput
from otklik.domain.history import HistoricalAnswer, HistoricalAppeal

_HEADER_SEARCH_ROWS = 10
_ID = ("id", "номер инцидента", "id инцидента", "№")
_FIELDS = {
    "group": ("группа тем",),
    "topic": ("тема",),
    "municipality": ("муниципалитет",),
    "settlement": ("населенный пункт", "населённый пункт"),
    "street": ("улица",),
    "house": ("дом",),
    "executor": ("исполнитель",),
    "outcome": ("итог",),
    "post_url": ("урл поста", "url поста", "ссылка"),
    "author_url": ("url автора", "урл автора"),
}
_ENDED = ("дата окончания",)
_ANSWERS = ("1ый ответ пи", "2ой ответ пи", "3ий ответ пи")
_FIRST_ANSWER_AFTER = ("время 1го ответа пи", "общее время первого ответа")
_DURATION = re.compile(r"^(?:(?P<days>\d+) days?, )?(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2})(?:\.(?P<f>\d+))?$")


@dataclass(frozen=True)
class HistoryRow:
    """One data row: an appeal from the past, or the reason it cannot be one (with its line in the sheet)."""

    line: int
    appeal: HistoricalAppeal | None = None
    error: str | None = None


def read_history(path: Path) -> list[HistoryRow]:
    """Every data row of the first sheet; a file without «Текст инцидента» and «Дата создания» is refused whole."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or non-xlsx file
        raise InvalidInput(f"{path.name} is not a readable .xlsx file: {error}") from None
    try:
        return list(_rows(workbook.worksheets[0].iter_rows(values_only=True)))
    finally:
        workbook.close()


def _rows(values: Iterator[tuple[Any, ...]]) -> Iterator[HistoryRow]:
    header: list[str] | None = None
    for number, row in enumerate(values, start=1):
        if header is None:
            names = [_header_name(cell) for cell in row]
            if TEXT in names and CREATED in names:
                header = names
            elif number >= _HEADER_SEARCH_ROWS:
                break
            continue
        cells = {name: cell for name, cell in zip(header, row, strict=False) if name and cell not in (None, "")}
        if cells:
            yield _row(number, cells)
    if header is None:
        raise InvalidInput("no header with «Текст инцидента» and «Дата создания» in the first rows of the first sheet")


def _row(line: int, cells: dict[str, Any]) -> HistoryRow:
    try:
        return HistoryRow(line, appeal=_appeal(cells))
    except InvalidInput as error:
        return HistoryRow(line, error=error.reason)


def _appeal(cells: dict[str, Any]) -> HistoricalAppeal:
    text = str(cells.pop(TEXT, "")).strip()
    if not text:
        raise InvalidInput("«Текст инцидента» is empty")
    created_at = _moment(cells.pop(CREATED, None))
    ended_at = _ended(_take(cells, _ENDED))
    if ended_at is not None and ended_at < created_at:
        raise InvalidInput(f"«Дата окончания» {ended_at:%d.%m.%Y %H:%M} is before «Дата создания»")
    first_after = _duration(_take(cells, _FIRST_ANSWER_AFTER))
    answers = _answers(cells, created_at, first_after, ended_at)
    incident_id = _text(_take(cells, _ID))
    fields = {name: _text(_take(cells, spellings)) for name, spellings in _FIELDS.items()}
    raw = {name: _plain(value) for name, value in cells.items()}
    external_id = f"im:{incident_id}" if incident_id else _content_id(text, created_at, fields["post_url"])
    return HistoricalAppeal(
        external_id=external_id,
        text=text,
        created_at=created_at,
        incident_id=incident_id,
        answers=answers,
        ended_at=ended_at,
        raw=raw,
        **fields,
    )


def _ended(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return _moment(value)
    except InvalidInput:
        raise InvalidInput(f"«Дата окончания» {value!r} is not a date (expected like 2026-11-28 10:00:00)") from None


def _answers(
    cells: dict[str, Any], created_at: datetime, first_after: timedelta | None, ended_at: datetime | None
) -> tuple[HistoricalAnswer, ...]:
    """«1ый/2ой/3ий ответ ПИ» with their dates: the first at creation + «Время 1го ответа ПИ», the last of several
    at «Дата окончания»; the export dates no other answer, so one in between takes the date before it."""
    texts = [text for name in _ANSWERS if (text := _text(cells.pop(name, None)))]
    if not texts:
        return ()
    first_at = created_at + first_after if first_after is not None else (ended_at or created_at)
    if ended_at is not None and first_at > ended_at:
        first_at = ended_at
    dates = [first_at] * len(texts)
    if len(texts) > 1 and ended_at is not None:
        dates[-1] = ended_at
    return tuple(HistoricalAnswer(text, at) for text, at in zip(texts, dates, strict=True))


def _take(cells: dict[str, Any], names: tuple[str, ...]) -> Any:
    found = None
    for name in names:
        if name in cells:
            value = cells.pop(name)
            found = value if found is None else found
    return found


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id the spreadsheet stored as a number
    return " ".join(str(value).split()) or None


def _duration(value: Any) -> timedelta | None:
    """A time since creation: `H:MM:SS.ffffff`, `N days, H:MM:SS`, a spreadsheet time or a fraction of days."""
    if value is None or value == "":
        return None
    if isinstance(value, timedelta):
        return value
    if isinstance(value, time):
        return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    if isinstance(value, int | float):
        return timedelta(days=float(value))
    match = _DURATION.match(str(value).strip())
    if match is None:
        raise InvalidInput(
            f"«Время 1го ответа ПИ» {value!r} is not a duration (expected like 2:15:00 or 1 day, 3:00:00)"
        )
    fraction = float(f"0.{match['f']}") if match["f"] else 0.0
    return timedelta(
        days=int(match["days"] or 0), hours=int(match["h"]), minutes=int(match["m"]), seconds=int(match["s"]) + fraction
    )
