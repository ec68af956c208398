"""`otklik import im --history`: an «Инцидент Менеджмент» archive, written here with openpyxl in the real export's
columns (../shared/docs/real-text.md), imported as the past it is: once, as it was, nothing re-judged or sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from typer.testing import Result

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.domain.access import AppealScope
from otklik.domain.appeal import Appeal
from otklik.domain.channels import Channel
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
RunImport = Callable[..., Result]
MSK = ZoneInfo("Europe/Moscow")
SHARYA, GALICH = "34730000", "34708000"

HEADER = [
    "Кабинет", "ID", "Номер инцидента", "Отдел", "Исполнитель", "Общее время первого ответа",
    "Время 1го ответа ПИ", "Текущий шаг инцидента", "Дата создания", "Дата окончания", "Группа тем", "Тема",
    "Регион", "Муниципалитет", "Населенный пункт", "Улица", "Дом", "Тип инцидента", "Итог", "Урл поста",
    "Текст инцидента", "1ый ответ ПИ", "2ой ответ ПИ", "3ий ответ ПИ", "Причина закрытия", "URL автора", "Теги",
]  # fmt: skip


def _row(**values: Any) -> list[Any]:
    return [values.get(name) for name in HEADER]


ROWS = [
    _row(  # line 3: answered twice and solved
        ID=5001,
        Исполнитель="Администрация городского округа город Шарья",
        **{
            "Время 1го ответа ПИ": "2:30:00.000000",
            "Дата создания": "2024-03-11 09:15:00",
            "Дата окончания": "2024-03-14 17:00:00",
            "Группа тем": "Благоустройство",
            "Тема": "★ Ямы во дворах",
            "Муниципалитет": "Шарья",
            "Населенный пункт": "Шарья",
            "Улица": "ул. Ленина",
            "Дом": "5",
            "Итог": "Решено",
            "Урл поста": "https://vk.com/wall-100_5001",
            "Текст инцидента": "Когда уже засыплют яму во дворе на Ленина 5?? Звоните 89101234567",
            "1ый ответ ПИ": "Добрый день! Передали в администрацию.",
            "2ой ответ ПИ": "Яму засыпали 14.03.",
            "Причина закрытия": "Автор доволен",
            "URL автора": "https://vk.com/id777",
            "Кабинет": "ЦУР",
        },
    ),
    _row(  # line 4: still open, topic spelt differently, the body named by its municipality
        ID=5002,
        Исполнитель="Город Галич",
        **{
            "Дата создания": "2023-12-01 08:00:00",
            "Группа тем": "жкх",
            "Тема": "Ненадлежащее качество  или отсутствие отопления.",
            "Муниципалитет": "городской округ город Галич",
            "Текст инцидента": "В доме на Свободы третий день холодные батареи",
            "Текущий шаг инцидента": "В работе",
        },
    ),
    _row(  # line 5: a group and a body we do not have; dismissed as spam
        ID=5003,
        Исполнитель="Министерство здравоохранения",
        **{
            "Дата создания": "2024-01-10 10:00:00",
            "Дата окончания": "2024-01-10 12:00:00",
            "Группа тем": "Спорт и туризм",
            "Тема": "Турниры",
            "Итог": "Спам",
            "Текст инцидента": "Купите наши кроссовки со скидкой",
        },
    ),
    _row(ID=5004, **{"Дата создания": "вчера", "Текст инцидента": "Нет света на улице Мира"}),  # line 6
    _row(ID=5005, **{"Дата создания": "2024-02-01 10:00:00"}),  # line 7: no text
    _row(  # line 8: chatter the detector would drop, answered once, an outcome we do not know
        ID=5006,
        **{
            "Дата создания": "2024-05-20 18:00:00",
            "Время 1го ответа ПИ": "1 day, 3:00:00",
            "Группа тем": "Дороги",
            "Тема": "Несуществующая тема",
            "Итог": "Передано по компетенции",
            "Текст инцидента": "ну и дороги у нас)))",
            "1ый ответ ПИ": "Уточните, пожалуйста, адрес.",
            "Муниципалитет": "Шарьинский муниципальный район",
        },
    ),
]


def _archive(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Выгрузка инцидентов 2023–2024"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def _appeal(ctx: ServiceContext, incident_id: int) -> Appeal:
    with ctx.uow(readonly=True) as uow:
        stored = uow.messages.get_by_key(Channel.IM_IMPORT, f"im:{incident_id}")
        assert stored is not None and stored.appeal_id is not None
        appeal = uow.appeals.get(stored.appeal_id)
    assert appeal is not None
    return appeal


def _count(ctx: ServiceContext, table: str) -> int:
    with ctx.uow.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_an_archive_comes_in_as_it_was(run_import: RunImport, tmp_path: Path, ctx: ServiceContext) -> None:
    result = run_import("im", "--history", _archive(tmp_path / "archive.xlsx"))
    assert result.exit_code == 1, result.output
    assert "line 6: «Дата создания» 'вчера' is not a date" in result.output
    assert "line 7: «Текст инцидента» is empty" in result.output
    assert "imported: 4, duplicates: 0, rejected: 2" in result.output
    for unmapped in (
        "группа «Спорт и туризм»: 1",
        "тема «Турниры»: 1",
        "тема «Несуществующая тема»: 1",
        "исполнитель «Министерство здравоохранения»: 1",
        "итог «Передано по компетенции»: 1",
    ):
        assert unmapped in result.output

    solved = _appeal(ctx, 5001)
    assert solved.number == "44-2024-000001", "numbered in our scheme, in the year it was created"
    assert (solved.status, solved.group, solved.topic, solved.priority) == (
        "closed",
        "Благоустройство",
        "Ямы во дворах",
        "high",
    )
    assert (solved.municipality_id, solved.agency_id) == (SHARYA, "adm-34730000")
    assert solved.address == "Шарья, ул. Ленина 5" and solved.settlement_id is not None
    assert solved.created_at == datetime(2024, 3, 11, 9, 15, tzinfo=MSK)
    assert solved.answered_at == datetime(2024, 3, 11, 11, 45, tzinfo=MSK)
    assert solved.closed_at == datetime(2024, 3, 14, 17, 0, tzinfo=MSK)
    assert "89101234567" not in solved.text_masked, "personal data masked as in every appeal"
    with ctx.uow(readonly=True) as uow:
        assert solved.id is not None
        replies = uow.appeals.replies(solved.id)
        history = uow.appeals.history(solved.id)
        stored = uow.messages.get_by_key(Channel.IM_IMPORT, "im:5001")
        citizen = uow.appeals.citizen_of(Channel.IM_IMPORT.value, "https://vk.com/id777")
    assert [(r.kind, r.text, r.created_at) for r in replies] == [
        ("interim", "Добрый день! Передали в администрацию.", datetime(2024, 3, 11, 11, 45, tzinfo=MSK)),
        ("final", "Яму засыпали 14.03.", datetime(2024, 3, 14, 17, 0, tzinfo=MSK)),
    ]
    assert [(e.type, e.to_status) for e in history] == [
        ("registered", "new"),
        ("status_changed", "assigned"),
        ("reply_added", None),
        ("reply_added", None),
        ("status_changed", "resolved"),
        ("status_changed", "closed"),
    ]
    assert all(e.data.get("imported") is True and e.actor != "system" for e in history)
    assert [e.at for e in history][-1] == datetime(2024, 3, 14, 17, 0, tzinfo=MSK), "events dated as they happened"
    assert stored is not None and stored.message.url == "https://vk.com/wall-100_5001"
    assert stored.message.context["raw"]["причина закрытия"] == "Автор доволен", "other columns kept"
    assert citizen is not None and solved.citizen_id == citizen.id

    open_one = _appeal(ctx, 5002)
    assert open_one.number == "44-2023-000001"
    assert (open_one.status, open_one.group, open_one.topic) == (
        "assigned",
        "ЖКХ",
        "Ненадлежащее качество или отсутствие отопления",
    )
    assert (open_one.municipality_id, open_one.agency_id) == (GALICH, "adm-34708000")

    spam = _appeal(ctx, 5003)
    assert (spam.status, spam.reject_reason, spam.group, spam.topic, spam.agency_id) == (
        "rejected",
        "spam",
        None,
        None,
        None,
    )

    chatter = _appeal(ctx, 5006)
    assert (chatter.status, chatter.group, chatter.topic) == ("answered", "Дороги", None), "kept as group-only"
    assert chatter.answered_at == datetime(2024, 5, 21, 21, 0, tzinfo=MSK)
    assert chatter.kind == "incident"

    assert _count(ctx, "deliveries") == 0, "no acknowledgement or answer is sent to anyone"
    assert _count(ctx, "outbox") == 0, "nothing is announced: no pipeline runs on the past"


def test_a_second_run_adds_nothing_and_says_so(run_import: RunImport, tmp_path: Path, ctx: ServiceContext) -> None:
    path = _archive(tmp_path / "archive.xlsx")
    run_import("im", "--history", path)
    appeals, events = _count(ctx, "appeals"), _count(ctx, "appeal_events")
    again = run_import("im", "--history", path)
    assert "imported: 0, duplicates: 4, rejected: 2" in again.output
    assert "nothing new: all 4 rows were imported before" in again.output
    assert (_count(ctx, "appeals"), _count(ctx, "appeal_events")) == (appeals, events)


def test_the_past_is_listed_by_its_own_dates(run_import: RunImport, tmp_path: Path, ctx: ServiceContext) -> None:
    """Lists, counts and dashboards see an imported appeal at the date it was created, not at the import."""
    run_import("im", "--history", _archive(tmp_path / "archive.xlsx"))
    with ctx.uow(readonly=True) as uow:
        found, total = uow.appeals.search(AppealFilter(), AppealScope(everything=True))
    assert total == 4
    assert [a.created_at.year for a in found] == [2024, 2024, 2024, 2023]


def test_a_file_without_the_columns_is_refused_whole(run_import: RunImport, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Текст инцидента"])
    sheet.append([1, "Нет воды"])
    book.save(tmp_path / "no-dates.xlsx")
    result = run_import("im", "--history", tmp_path / "no-dates.xlsx")
    assert result.exit_code == 1
    assert "no header with «Текст инцидента» and «Дата создания»" in result.output
