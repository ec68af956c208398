"""`otklik import table --map`: any CSV or XLSX with the columns named; unmapped columns kept; idempotent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import Result

from otklik.domain.channels import Channel
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
RunImport = Callable[..., Result]  # the `run_import` fixture of conftest.py

MAP = "text=Суть,created_at=Когда,author=Заявитель,phone=Тел.,address=Адрес"
CSV = """\
Суть,Когда,Заявитель,Тел.,Адрес,Источник
Не горят фонари на улице Советской в Галиче,28.11.2026 10:00,Анна,+79101112233,"Галич, Советская",опрос
,28.11.2026 10:05,Борис,,,опрос
Яма на дороге на улице Мира в Костроме,31.02.2026 10:00,,,,опрос
Сломана детская площадка во дворе в Нерехте,2026-11-28 10:15,,,,"опрос",лишнее
Не убран снег на остановке в Мантурово,28.11.2026 10:20,,,,звонок
"""


def test_csv_with_map_imports_good_rows_once(run_import: RunImport, tmp_path: Path, ctx: ServiceContext) -> None:
    path = tmp_path / "table.csv"
    path.write_text(CSV, encoding="utf-8")
    result = run_import("table", path, "--map", MAP)
    assert result.exit_code == 1, result.output
    assert "line 3: text (column 'Суть') is empty" in result.output
    assert "line 4: created_at (column 'Когда') '31.02.2026 10:00' is not a date" in result.output
    assert "line 5: 1 more value(s) than columns" in result.output
    assert "imported: 2, duplicates: 0, rejected: 3" in result.output
    with ctx.uow(readonly=True) as uow:
        stored = [uow.messages.get(i) for i in range(1, 1000)]
    messages = [s.message for s in stored if s is not None and s.message.channel is Channel.TABLE_IMPORT]
    galich = next(m for m in messages if "Галиче" in m.text)
    assert galich.author.name == "Анна" and galich.author.phone == "+79101112233"
    assert galich.address == "Галич, Советская" and galich.context["raw"] == {"Источник": "опрос"}
    assert "imported: 0, duplicates: 2, rejected: 3" in run_import("table", path, "--map", MAP).output


def test_xlsx_with_map_and_only_a_text_column(run_import: RunImport, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Номер", "Обращение"])
    sheet.append([1, "Не работает уличное освещение на улице Ленина в Буе"])
    sheet.append([2, "Затопило подвал в доме на улице Мира в Шарье"])
    book.save(tmp_path / "t.xlsx")
    result = run_import("table", tmp_path / "t.xlsx", "--map", "text=обращение,external_id=Номер")
    assert result.exit_code == 0, result.output
    assert "imported: 2, duplicates: 0, rejected: 0" in result.output
    assert (
        "imported: 0, duplicates: 2, rejected: 0"
        in run_import("table", tmp_path / "t.xlsx", "--map", "text=Обращение,external_id=Номер").output
    )


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("text=Нет такой", "line 1: no column(s) Нет такой"),
        ("txt=Суть", "unknown field 'txt'"),
        ("author=Заявитель", "must name the column of the text"),
    ],
)
def test_bad_maps_are_refused_before_importing(run_import: RunImport, tmp_path: Path, spec: str, reason: str) -> None:
    path = tmp_path / "table.csv"
    path.write_text(CSV, encoding="utf-8")
    result = run_import("table", path, "--map", spec)
    assert result.exit_code == 1 and reason in result.output and "imported:" not in result.output
