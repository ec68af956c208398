"""`otklik import calls`: CSV and JSON call cards; bad rows named by line; a re-run imports nothing new."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import Result

from otklik.domain.channels import Channel
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
RunImport = Callable[..., Result]  # the `run_import` fixture of conftest.py

CSV = """\
Номер карточки;Линия;Время звонка;ФИО;Телефон;Адрес;Текст
HL-1;hotline;28.11.2026 09:15;Иван Петров;+7 910 111-22-33;Галич, Советская 5;Не горят фонари во дворе в Галиче
HL-2;112;2026-11-28T09:20:00+03:00;;+7 910 222-33-44;;"Прорвало трубу на улице Ленина в Шарье,
вода заливает дорогу"
HL-3;hotline;28.11.2026 09:30;Мария;+7 9;;Яма на дороге
HL-4;hotline;28.11.2026 09:40;Пётр;;;
HL-5;горячая линия;вчера;;;;Снег не убран во дворе в Нерехте
HL-6;911;28.11.2026 09:50;;;;Не вывозят мусор в Буе
"""


def test_csv_cards_import_good_rows_and_name_bad_lines(
    run_import: RunImport, tmp_path: Path, ctx: ServiceContext
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CSV, encoding="utf-8")
    result = run_import("calls", path)
    assert result.exit_code == 1, result.output
    assert "line 5: phone '+7 9' is not a phone number" in result.output
    assert "line 6: text is empty" in result.output
    assert "line 7: call_time 'вчера'" in result.output
    assert "line 8: line '911' is unknown" in result.output
    assert "imported: 2, duplicates: 0, rejected: 4" in result.output
    with ctx.uow(readonly=True) as uow:
        card = uow.messages.get_by_key(Channel.EMERGENCY_112, "112:HL-2")
        assert card is not None
        assert card.message.text.endswith("вода заливает дорогу") and card.message.author.phone == "+7 910 222-33-44"
        hotline = uow.messages.get_by_key(Channel.HOTLINE, "hotline:HL-1")
        assert hotline is not None
        assert hotline.message.created_at == datetime(2026, 11, 28, 9, 15, tzinfo=ZoneInfo("Europe/Moscow"))

    again = run_import("calls", path)
    assert "imported: 0, duplicates: 2, rejected: 4" in again.output


def test_json_cards_with_line_numbers(run_import: RunImport, tmp_path: Path) -> None:
    cards = [
        {"card_id": "J-1", "call_time": "2026-11-28T10:00:00+03:00", "text": "Яма на дороге на улице Мира в Костроме"},
        {"card_id": "J-2", "call_time": "2026-11-28T10:05:00+03:00", "text": ""},
        {"card_id": "J-3", "call_time": "2026-11-28T10:10:00+03:00", "text": "Нет отопления", "colour": "red"},
        ["not", "a", "card"],
        {"line": "112", "call_time": "2026-11-28T10:20:00", "text": "Горит сухая трава у дороги в Судиславле"},
    ]
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(cards, ensure_ascii=False, indent=2), encoding="utf-8")
    result = run_import("calls", path)
    assert result.exit_code == 1, result.output
    assert "line 7: text is empty" in result.output
    assert "line 12: unknown field(s) colour" in result.output
    assert "line 18: a call card must be a JSON object" in result.output
    assert "imported: 2, duplicates: 0, rejected: 3" in result.output
    assert "imported: 0, duplicates: 2, rejected: 3" in run_import("calls", path).output


def test_all_good_rows_exit_zero_and_broken_json_imports_nothing(run_import: RunImport, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text('[{"call_time": "28.11.2026 11:00", "text": "Не работает светофор на проспекте Мира"}]')
    result = run_import("calls", good)
    assert result.exit_code == 0 and "imported: 1, duplicates: 0, rejected: 0" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text('[{"call_time": "28.11.2026 11:00", "text": "Яма"},\n{"text": ')
    result = run_import("calls", broken)
    assert result.exit_code == 1 and "line 2: not valid JSON" in result.output and "imported:" not in result.output
