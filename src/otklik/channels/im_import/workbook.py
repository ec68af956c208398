"""Reading an «Инцидент Менеджмент» xlsx export: known columns mapped, every other column kept as raw data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from otklik.domain.channels import Channel
from otklik.domain.errors import InvalidInput
from otklik.domain.message import Author, InboundMessage

MOSCOW = ZoneInfo("Europe/Moscow")  # exports carry Moscow wall-clock times without a zone
TEXT = "текст инцидента"
CREATED = "дата создания"
# Optional columns that map onto the message; their header spellings differ between export versions.
_ID = ("id", "id инцидента", "номер инцидента", "№")
_URL = ("ссылка", "ссылка на инцидент", "ссылка на источник", "url")
_AUTHOR = ("автор", "автор инцидента")
_HEADER_SEARCH_ROWS = 10  # some exports put a title and a blank line above the header
_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class IncidentRow:
    """One row of the export: a message, or the reason it is not one."""

    line: int
    message: InboundMessage | None = None
    error: str | None = None


def read_incidents(path: Path) -> list[IncidentRow]:
    """Every data row of the first sheet; a file without the «Текст инцидента» column is refused whole."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or non-xlsx file
        raise InvalidInput(f"{path.name} is not a readable .xlsx file: {error}") from None
    try:
        rows = list(_rows(workbook.worksheets[0].iter_rows(values_only=True)))
    finally:
        workbook.close()
    return rows


def _rows(values: Iterator[tuple[Any, ...]]) -> Iterator[IncidentRow]:
    header: list[str] | None = None
    for number, row in enumerate(values, start=1):
        if header is None:
            names = [_header_name(cell) for cell in row]
            if TEXT in names:
                header = names
            elif number >= _HEADER_SEARCH_ROWS:
                break
            continue
        cells = {name: cell for name, cell in zip(header, row, strict=False) if name and cell not in (None, "")}
        if cells:
            yield _incident(number, cells)
    if header is None:
        raise InvalidInput("no header with the column «Текст инцидента» in the first rows of the first sheet")


def _header_name(cell: Any) -> str:
    return " ".join(str(cell).split()).lower() if cell is not None else ""


def _incident(line: int, cells: dict[str, Any]) -> IncidentRow:
    text = str(cells.pop(TEXT, "")).strip()
    if not text:
        return IncidentRow(line, error="«Текст инцидента» is empty")
    try:
        created_at = _moment(cells.pop(CREATED, None))
    except InvalidInput as error:
        return IncidentRow(line, error=error.reason)
    incident_id = _take(cells, _ID)
    url = _take(cells, _URL)
    author = _take(cells, _AUTHOR)
    raw = {name: _plain(value) for name, value in cells.items()}
    message = InboundMessage(
        channel=Channel.IM_IMPORT,
        external_id=f"im:{incident_id}" if incident_id else _content_id(text, created_at, url),
        text=text,
        created_at=created_at,
        author=Author(name=author),
        url=url,
        context={"raw": raw, "incident_id": incident_id} if incident_id else {"raw": raw},
    )
    return IncidentRow(line, message=message)


def _take(cells: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in cells:
            return str(cells.pop(name)).strip() or None
    return None


def _moment(value: Any) -> datetime:
    if value is None:
        raise InvalidInput("«Дата создания» is empty")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        moment = _parse_text(str(value).strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=MOSCOW)


def _parse_text(text: str) -> datetime:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"«Дата создания» {text!r} is not a date (expected like 28.11.2026 10:00)") from None


def _plain(value: Any) -> Any:
    """JSON-safe: dates as ISO text, everything else that is not a number as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def _content_id(text: str, created_at: datetime, url: str | None) -> str:
    """No incident id in the export: the content itself, hashed, identifies the row across re-imports."""
    basis = json.dumps([" ".join(text.split()), created_at.isoformat(), url or ""], ensure_ascii=False)
    return f"im:h:{hashlib.sha256(basis.encode()).hexdigest()[:32]}"
