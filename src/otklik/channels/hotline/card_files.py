"""Call-card files (CSV or JSON) read row by row, each row with the line number where it starts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from otklik.channels.hotline.cards import CallCard, card_from_fields
from otklik.domain.errors import InvalidInput

# Column headers operators use in Russian exports, mapped onto the card's fields.
_HEADER_ALIASES = {
    "номер карточки": "card_id",
    "номер": "card_id",
    "линия": "line",
    "время звонка": "call_time",
    "дата звонка": "call_time",
    "заявитель": "caller_name",
    "фио": "caller_name",
    "телефон": "phone",
    "email": "email",
    "e-mail": "email",
    "адрес": "address",
    "текст": "text",
    "суть обращения": "text",
    "оператор": "operator",
}


@dataclass(frozen=True)
class CardRow:
    """One row of a file: a card, or the reason it is not one."""

    line: int
    card: CallCard | None = None
    error: str | None = None


def read_card_file(path: Path) -> list[CardRow]:
    """Rows of a .csv or .json file, read whole first: a file that cannot be read is refused before any import."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return list(_csv_rows(path.read_bytes()))
    if suffix in (".json", ".jsonl"):
        return list(_json_rows(path.read_text(encoding="utf-8-sig")))
    raise InvalidInput(f"{path.name}: call cards are read from .csv or .json files")


def _card_row(line: int, fields: dict[str, object]) -> CardRow:
    try:
        return CardRow(line, card=card_from_fields(fields))
    except InvalidInput as error:
        return CardRow(line, error=error.reason)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); Excel on Windows saves CSV in windows-1251."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _csv_rows(data: bytes) -> Iterator[CardRow]:
    text = _decode(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if reader.fieldnames is None:
        raise InvalidInput("the CSV file is empty")
    header = [_HEADER_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in reader.fieldnames]
    reader.fieldnames = header
    if "text" not in header:
        raise InvalidInput(f"line 1: the header has no 'text' column (columns: {', '.join(header)})")
    start = reader.line_num + 1
    for row in reader:
        extra = row.pop(None, None)
        if extra:
            yield CardRow(start, error=f"{len(extra)} more value(s) than columns in the header")
        elif any(value is None for value in row.values()):
            yield CardRow(start, error="fewer values than columns in the header")
        elif any(value.strip() for value in row.values()):
            yield _card_row(start, {key: value for key, value in row.items() if value.strip()})
        start = reader.line_num + 1


def _json_rows(text: str) -> Iterator[CardRow]:
    """A JSON array of objects, or JSON Lines (one object per line)."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    in_array = text.startswith("[", position)
    if in_array:
        position = _skip_space(text, position + 1)
    while position < len(text) and not (in_array and text[position] == "]"):
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise InvalidInput(
                f"line {error.lineno}: not valid JSON ({error.msg}); the file was not imported"
            ) from None
        if isinstance(value, dict):
            yield _card_row(line, value)
        else:
            yield CardRow(line, error=f"a call card must be a JSON object, not {type(value).__name__}")
        position = _skip_space(text, position)
        if in_array and text.startswith(",", position):
            position = _skip_space(text, position + 1)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
