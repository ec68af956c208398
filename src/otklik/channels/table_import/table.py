"""Rows of a CSV or XLSX file as header → value, each with the line (row) number people see in the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from otklik.domain.errors import InvalidInput


@dataclass(frozen=True)
class TableRow:
    line: int
    cells: dict[str, Any]  # header as written in the file → value (text for CSV; typed for XLSX)


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[TableRow]


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv_table(path.read_bytes())
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_table(path)
    raise InvalidInput(f"{path.name}: tables are read from .csv or .xlsx files")


def _csv_table(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")  # Excel on Windows saves CSV in windows-1251
    sample = text[:4096]
    delimiter = max(";,\t", key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InvalidInput("the table is empty: the first line must name the columns")
    rows = []
    start = reader.line_num + 1
    for values in reader:
        if any(value.strip() for value in values):
            rows.append(TableRow(start, _cells(header, values)))
        start = reader.line_num + 1
    return Table([name.strip() for name in header], rows)


def _cells(header: list[str], values: list[str]) -> dict[str, Any]:
    cells: dict[str, Any] = {name.strip(): value for name, value in zip(header, values, strict=False)}
    if len(values) > len(header):
        cells[_OVERFLOW] = values[len(header) :]
    return cells


def _xlsx_table(path: Path) -> Table:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or non-xlsx file
        raise InvalidInput(f"{path.name} is not a readable .xlsx file: {error}") from None
    try:
        values: Iterator[tuple[Any, ...]] = workbook.worksheets[0].iter_rows(values_only=True)
        header_row = next(values, None)
        if not header_row or not any(header_row):
            raise InvalidInput("the table is empty: the first row must name the columns")
        header = [str(cell).strip() if cell is not None else "" for cell in header_row]
        rows = []
        for number, row in enumerate(values, start=2):
            cells = {name: cell for name, cell in zip(header, row, strict=False) if name}
            if any(cell not in (None, "") for cell in cells.values()):
                rows.append(TableRow(number, cells))
    finally:
        workbook.close()
    return Table(header, rows)


_OVERFLOW = "\x00overflow"  # values beyond the header: reported as a bad row


def overflow_of(row: TableRow) -> list[str] | None:
    value = row.cells.get(_OVERFLOW)
    return list(value) if value else None
