"""The --map option: which column of the table holds which field of a message."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.domain.errors import InvalidInput

FIELDS = ("text", "created_at", "author", "phone", "email", "address", "external_id", "url")


@dataclass(frozen=True)
class ColumnMap:
    """Field → column header; `text` is required, everything else optional."""

    columns: dict[str, str]

    def column(self, field: str) -> str | None:
        return self.columns.get(field)

    def missing_in(self, header: list[str]) -> list[str]:
        known = {_key(name) for name in header}
        return [column for column in self.columns.values() if _key(column) not in known]


def parse_column_map(spec: str) -> ColumnMap:
    """`text=Текст,created_at=Дата,author=ФИО`; a column name may not contain a comma or '='."""
    columns: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not column:
            raise InvalidInput(f"--map: {part.strip()!r} must look like field=COLUMN")
        if field not in FIELDS:
            raise InvalidInput(f"--map: unknown field {field!r}; known fields: {', '.join(FIELDS)}")
        if field in columns:
            raise InvalidInput(f"--map: field {field!r} is given twice")
        columns[field] = column
    if "text" not in columns:
        raise InvalidInput("--map must name the column of the text, e.g. --map text=Текст")
    return ColumnMap(columns)


def _key(name: str) -> str:
    return " ".join(name.split()).lower()


def column_key(name: str) -> str:
    """Headers are matched without regard to case and repeated spaces."""
    return _key(name)
