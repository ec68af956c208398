"""A table row as an inbound message, by the column map; unmapped columns are kept as raw data."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from otklik.channels.table_import.column_map import ColumnMap, column_key
from otklik.channels.table_import.table import TableRow, overflow_of
from otklik.domain.channels import Channel
from otklik.domain.errors import InvalidInput
from otklik.domain.message import Author, InboundMessage

MOSCOW = ZoneInfo("Europe/Moscow")  # a time without a zone in a regional table is Moscow time
_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


@dataclass(frozen=True)
class ImportRow:
    line: int
    message: InboundMessage | None = None
    error: str | None = None


def row_message(row: TableRow, columns: ColumnMap, *, imported_at: datetime) -> ImportRow:
    """The message of one row, or why the row cannot be one; `imported_at` stands in for a missing date."""
    overflow = overflow_of(row)
    if overflow:
        return ImportRow(row.line, error=f"{len(overflow)} more value(s) than columns in the header")
    cells = {column_key(name): value for name, value in row.cells.items()}
    mapped = {field: _text(cells.pop(column_key(column), None)) for field, column in columns.columns.items()}
    text = mapped.get("text")
    if not text:
        return ImportRow(row.line, error=f"text (column {columns.column('text')!r}) is empty")
    try:
        created_at = _moment(row.cells, columns, imported_at)
    except InvalidInput as error:
        return ImportRow(row.line, error=error.reason)
    raw = {name: _plain(row.cells[name]) for name in row.cells if column_key(name) in cells}
    message = InboundMessage(
        channel=Channel.TABLE_IMPORT,
        external_id=_external_id(mapped, created_at if columns.column("created_at") else None),
        text=text,
        created_at=created_at,
        author=Author(name=mapped.get("author"), phone=mapped.get("phone"), email=mapped.get("email")),
        url=mapped.get("url"),
        address=mapped.get("address"),
        context={"raw": raw},
    )
    return ImportRow(row.line, message=message)


def _external_id(mapped: dict[str, str | None], created_at: datetime | None) -> str:
    """The table's own id when mapped; otherwise a hash of the mapped content (stable across re-runs)."""
    if mapped.get("external_id"):
        return f"table:{mapped['external_id']}"
    basis = {key: " ".join(value.split()) for key, value in sorted(mapped.items()) if value}
    if created_at is not None:
        basis["created_at"] = created_at.isoformat()
    digest = hashlib.sha256(json.dumps(basis, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return f"table:h:{digest[:32]}"


def _moment(cells: dict[str, Any], columns: ColumnMap, imported_at: datetime) -> datetime:
    column = columns.column("created_at")
    if column is None:
        return imported_at
    value = next((v for name, v in cells.items() if column_key(name) == column_key(column)), None)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(f"created_at (column {column!r}) is empty")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        moment = _parse(str(value).strip(), column)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=MOSCOW)


def _parse(text: str, column: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise InvalidInput(f"created_at (column {column!r}) {text!r} is not a date (expected like 28.11.2026 10:00)")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers and ids typed as numbers in Excel
    return str(value).strip() or None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)
