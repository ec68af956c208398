"""`otklik import im`: an «Инцидент Менеджмент» export made here with openpyxl, imported once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from typer.testing import Result

from otklik.domain.channels import Channel
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
RunImport = Callable[..., Result]  # the `run_import` fixture of conftest.py

HEADER = ["ID", "Дата создания", "Тип инцидента", "Текст инцидента", "Ссылка", "Итог", "Территория"]
ROWS = [
    [
        101,
        datetime(2026, 11, 27, 14, 30),
        "Комментарий",
        "Во дворе на улице Ленина в Шарье огромная яма, машины бьют колёса",
        "https://vk.com/wall-1_2",
        "Передано в администрацию",
        "Шарья",
    ],
    [
        102,
        "27.11.2026 15:05",
        "Пост",
        "Не вывозят мусор третью неделю в Буе на улице Октябрьской",
        "https://vk.com/wall-1_3",
        None,
        "Буй",
    ],
    [103, "27.11.2026 15:10", "Пост", None, "https://vk.com/wall-1_4", None, None],
    [104, "позавчера", "Пост", "Нет воды в доме", None, None, None],
]


def _export(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Выгрузка инцидентов за ноябрь 2026"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def test_im_export_is_imported_once_with_raw_columns(
    run_import: RunImport, tmp_path: Path, ctx: ServiceContext
) -> None:
    path = _export(tmp_path / "im.xlsx")
    result = run_import("im", path)
    assert result.exit_code == 1, result.output
    assert "line 6: «Текст инцидента» is empty" in result.output
    assert "line 7: «Дата создания» 'позавчера' is not a date" in result.output
    assert "imported: 2, duplicates: 0, rejected: 2" in result.output
    with ctx.uow(readonly=True) as uow:
        stored = uow.messages.get_by_key(Channel.IM_IMPORT, "im:101")
    assert stored is not None
    message = stored.message
    assert message.url == "https://vk.com/wall-1_2"
    assert message.created_at == datetime(2026, 11, 27, 14, 30, tzinfo=ZoneInfo("Europe/Moscow"))
    assert message.context["raw"] == {
        "тип инцидента": "Комментарий",
        "итог": "Передано в администрацию",
        "территория": "Шарья",
    }
    assert "imported: 0, duplicates: 2, rejected: 2" in run_import("im", path).output


def test_a_file_without_the_text_column_is_refused(run_import: RunImport, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Дата", "Сообщение"])
    sheet.append(["27.11.2026", "Яма"])
    book.save(tmp_path / "other.xlsx")
    result = run_import("im", tmp_path / "other.xlsx")
    assert result.exit_code == 1 and "Текст инцидента" in result.output
