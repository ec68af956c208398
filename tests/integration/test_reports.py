"""The weekly report (XLSX and PDF) over appeals this test creates, on a real database, through the real API, the
UI download and the CLI. Expected figures are worked out from the scenario here, never read from the product;
both files are searched through for the citizen's name, phone, e-mail and the words of the appeal text."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from otklik.cli.main import app as cli
from otklik.clock import FrozenClock
from otklik.services.context import ServiceContext
from otklik.web.app import create_app
from staff_support import GALICH_ADMIN, PASSWORD, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

MSK = ZoneInfo("Europe/Moscow")
SHARYA_TEXT = "Огромная яма у дома 17 на улице Советской в Шарье, машины бьют колёса, сосед Афанасий возмущён"
GALICH_TEXT = "Не горят фонари во дворе на улице Луначарского в Галиче, темно, бабушка Евлампия упала"
SECRET_WORDS = ("Огромная", "Советской", "колёса", "Афанасий", "Луначарского", "Евлампия", "бабушка")
CITIZEN = {"name": "Пётр Сидоров", "phone": "+7 910 555-44-33", "email": "petr.sidorov@example.ru"}
PERSONAL = ("Пётр", "Сидоров", "555-44-33", "9105554433", "petr.sidorov", "example.ru")
PERIOD = {"from": "2026-11-23", "to": "2026-11-29"}
SHEETS = ["Сводка", "Муниципалитеты", "Органы", "Просрочено", "Главные проблемы", "Всплески"]
PROPER = "Яма на улице Советской заделана 24.11.2026 бригадой МУП «Шарьинское дорожное хозяйство» литым асфальтом."


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=MSK)


@dataclass
class Scenario:
    cards: dict[str, dict[str, Any]]
    now: datetime


def register(client: TestClient, text: str, agency_id: str) -> int:
    created = client.post("/api/v1/appeals", json={"text": text, "citizen": CITIZEN})
    assert created.status_code == 201, created.text
    card = created.json()
    url = f"/api/v1/appeals/{card['id']}/transitions"
    if card["status"] != "needs_moderation":
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).status_code == 200
    moved = client.post(url, json={"to": "assigned", "agency_id": agency_id})
    assert moved.status_code == 200, moved.text
    return int(card["id"])


@pytest.fixture
def scenario(ctx: ServiceContext, client: TestClient, staff_team: StaffTeam) -> Scenario:
    """P: Шарья, 17 Nov (the previous week), open. In the week of 23–29 Nov: S1, S2, S3 in Шарья (S1 answered the
    next day), G in Галич. The report is made on 21 December, when every open one is past its 10 working days."""
    ids = {}
    ctx.clock = FrozenClock(at(17, 10))
    ids["P"] = register(client, SHARYA_TEXT, SHARYA_ADMIN)
    ctx.clock = FrozenClock(at(23, 10))
    for key in ("S1", "S2", "S3"):
        ids[key] = register(client, SHARYA_TEXT, SHARYA_ADMIN)
    ctx.clock = FrozenClock(at(25, 11))
    ids["G"] = register(client, GALICH_TEXT, GALICH_ADMIN)
    ctx.clock = FrozenClock(at(24, 12))
    answered = client.post(f"/api/v1/appeals/{ids['S1']}/answers", json={"text": PROPER})
    assert answered.status_code == 201 and answered.json()["status"] == "published", answered.text
    now = at(21, 12, month=12)
    ctx.clock = FrozenClock(now)
    client.headers.update(staff_team.sign_in_again("admin"))  # the first token has expired by 21 December
    cards = {key: client.get(f"/api/v1/appeals/{i}").json() for key, i in ids.items()}
    return Scenario(cards, now)


def xlsx_text(content: bytes) -> str:
    """Every XML part of the workbook: cells, shared strings, charts, properties."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def assert_no_personal_data(text: str) -> None:
    for word in (*PERSONAL, *SECRET_WORDS):
        assert word.lower() not in text.lower(), word


def rows_of(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def expected_overdue(scenario: Scenario, keys: str | list[str]) -> dict[str, int]:
    found = {}
    for key in keys:
        card = scenario.cards[key]
        due = datetime.fromisoformat(card["due_at"])
        assert due < scenario.now  # the scenario's premise: 21 December is past every deadline
        found[card["number"]] = max(1, math.ceil((scenario.now - due) / timedelta(days=1)))
    return found


def test_xlsx_has_the_sheets_the_figures_and_the_overdue_register(client: TestClient, scenario: Scenario) -> None:
    response = client.get("/api/v1/analytics/report", params={**PERIOD, "format": "xlsx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert response.headers["content-disposition"] == 'attachment; filename="otklik-weekly-2026-11-23-2026-11-29.xlsx"'
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == SHEETS
    summary = {row[0]: row[1:3] for row in rows_of(book["Сводка"]) if row and row[0]}
    assert summary["Обращений зарегистрировано"] == (4, 1)  # S1–S3 and G; the week before: P
    assert summary["С окончательным ответом"] == (1, 0)
    assert summary["Отвечено в срок, доля"][0] == 1.0  # S1, answered the next day
    assert book["Сводка"].freeze_panes == "A5"
    assert len(book["Сводка"]._charts) == 2  # native Excel charts: by week and by group
    places = {row[0]: row for row in rows_of(book["Муниципалитеты"])[1:]}
    sharya, galich = places["Шарья"], places["Галич"]
    assert sharya[3] == 3 and galich[3] == 1
    assert sharya[5] == 1.0 and sharya[6] == 2  # S1 on time; S2, S3 overdue
    assert sharya[2] > 0 and sharya[4] == pytest.approx(3 * 1000 / sharya[2])
    bodies = {row[1]: row for row in rows_of(book["Органы"])[1:]}
    assert len(bodies) == 2
    overdue = rows_of(book["Просрочено"])
    assert overdue[0][:4] == ("Номер", "Зарегистрировано", "Срок ответа", "Дней просрочки")
    # Overdue now: every open appeal registered up to the period's end — P (the week before), S2, S3, G.
    assert {row[0]: row[3] for row in overdue[1:]} == expected_overdue(scenario, ["P", "S2", "S3", "G"])
    assert all(isinstance(row[1], datetime) for row in overdue[1:])
    problems = rows_of(book["Главные проблемы"])
    assert sum(row[2] for row in problems[2:] if isinstance(row[2], int) and row[0] != "Группа тем") >= 4
    assert_no_personal_data(xlsx_text(response.content))


def test_pdf_is_russian_with_figures_charts_and_the_map(client: TestClient, scenario: Scenario) -> None:
    response = client.get("/api/v1/analytics/report", params={**PERIOD, "format": "pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].endswith('.pdf"')
    text = pdf_text(response.content)
    for heading in (
        "Еженедельный отчёт",
        "Сводка",
        "Муниципалитеты",
        "Рейтинг органов",
        "Просроченные обращения",
        "Главные проблемы",
        "Всплески обращений",
        "Карта",
    ):
        assert heading in text, heading
    assert re.search(r"Обращений зарегистрировано\s+4\s+1", text)
    assert re.search(r"Отвечено в срок, доля\s+100,0 %", text)
    for number in expected_overdue(scenario, ["P", "S2", "S3", "G"]):
        assert number in text
    reader = PdfReader(BytesIO(response.content))
    drawn = [len(re.findall(rb"\sl\s", page.get_contents().get_data())) for page in reader.pages]
    map_page = next(i for i, page in enumerate(reader.pages) if "Карта" in page.extract_text())
    assert drawn[map_page] > 2000  # 29 municipalities' borders as vector paths
    assert sum(drawn) - drawn[map_page] > 100  # the bar charts
    images = [x for page in reader.pages for x in (page["/Resources"].get("/XObject") or {}).values()]
    assert any(x.get_object().get("/Subtype") == "/Image" for x in images)  # the map's colour scale
    assert_no_personal_data(text)


def sign_in(browser: TestClient, login: str) -> TestClient:
    form = browser.get("/ui/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found is not None
    data = {"username": login, "password": PASSWORD, "login_csrf": found.group(1), "next": "/ui/"}
    assert browser.post("/ui/login", data=data, follow_redirects=False).status_code == 303
    return browser


@pytest.fixture
def browser(ctx: ServiceContext, staff_team: StaffTeam) -> Callable[[str], TestClient]:
    staff_team.token("admin")  # creates every account
    opened: list[TestClient] = []

    def open_as(login: str) -> TestClient:
        test_client = TestClient(create_app(ctx), raise_server_exceptions=False)
        test_client.__enter__()
        opened.append(test_client)
        return sign_in(test_client, login)

    yield open_as  # type: ignore[misc]
    for test_client in opened:
        test_client.__exit__(None, None, None)


def test_ui_download_for_a_district_moderator_has_their_district_only(
    scenario: Scenario, browser: Callable[[str], TestClient], staff_team: StaffTeam, client: TestClient
) -> None:
    page = browser("sharya.mod").get("/ui/analytics", params=PERIOD)
    assert page.status_code == 200 and 'data-testid="report-form"' in page.text
    assert (
        'formaction="/ui/analytics/report.xlsx"' in page.text and 'formaction="/ui/analytics/report.pdf"' in page.text
    )
    response = browser("sharya.mod").get("/ui/analytics/report.xlsx", params=PERIOD)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    summary = {row[0]: row[1:3] for row in rows_of(book["Сводка"]) if row and row[0]}
    assert summary["Обращений зарегистрировано"] == (3, 1)  # Шарья's S1–S3 (and P the week before), not Галич's G
    assert [row[0] for row in rows_of(book["Муниципалитеты"])[1:]] == ["Шарья"]
    assert {row[0] for row in rows_of(book["Просрочено"])[1:]} == set(expected_overdue(scenario, ["P", "S2", "S3"]))
    assert "Галич" not in xlsx_text(response.content)
    assert_no_personal_data(xlsx_text(response.content))
    pdf = browser("sharya.mod").get("/ui/analytics/report.pdf", params=PERIOD)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Шарья" in text and "Галич" not in text
    assert re.search(r"Обращений зарегистрировано\s+3\s+1", text)
    # The API is scoped the same way for a body's head: their body's appeals only.
    head = client.get(
        "/api/v1/analytics/report", params={**PERIOD, "format": "xlsx"}, headers=staff_team.headers("galich.head")
    )
    assert head.status_code == 200, head.text
    rows = {row[0]: row[1:3] for row in rows_of(load_workbook(BytesIO(head.content))["Сводка"]) if row and row[0]}
    assert rows["Обращений зарегистрировано"] == (1, 0)  # G


def test_every_role_gets_its_own_scope(client: TestClient, scenario: Scenario, staff_team: StaffTeam) -> None:
    """roles.md: admin, regional moderator, analyst — all; district moderator — own district; executor, head — own
    body; an integration token — nothing (403)."""
    sees = {"analyst": (4, 1), "regmod": (4, 1), "sharya.exec": (3, 1), "galich.mod": (1, 0), "sharya.head": (3, 1)}
    for login, expected in sees.items():
        response = client.get(
            "/api/v1/analytics/report", params={**PERIOD, "format": "xlsx"}, headers=staff_team.headers(login)
        )
        assert response.status_code == 200, (login, response.text)
        rows = {r[0]: r[1:3] for r in rows_of(load_workbook(BytesIO(response.content))["Сводка"]) if r and r[0]}
        assert rows["Обращений зарегистрировано"] == expected, login
    refused = client.get("/api/v1/analytics/report", params=PERIOD, headers=staff_team.gateway)
    assert refused.status_code == 403


def test_report_refuses_bad_input_with_the_reason(client: TestClient, anonymous_client: TestClient) -> None:
    assert anonymous_client.get("/api/v1/analytics/report", params=PERIOD).status_code == 401
    backwards = client.get("/api/v1/analytics/report", params={"from": "2026-11-29", "to": "2026-11-23"})
    assert backwards.status_code == 422 and "after" in backwards.json()["detail"]
    wrong = client.get("/api/v1/analytics/report", params={**PERIOD, "format": "docx"})
    assert wrong.status_code == 422
    place = client.get("/api/v1/analytics/report", params={**PERIOD, "municipality": "Атлантида"})
    assert place.status_code == 422 and "Атлантида" in place.json()["detail"]


def _unboxed(output: str) -> str:
    """The CLI's error as one line: rich draws it in a box wrapped to the terminal, so a long path splits words."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def test_cli_writes_both_formats_and_names_what_is_wrong(
    scenario: Scenario, tmp_path: Path, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTKLIK_DATABASE_URL", ctx.settings.database_url)
    monkeypatch.setenv("OTKLIK_MODEL_DIR", str(ctx.settings.model_dir))
    runner = CliRunner()
    base = ["report", "weekly", "--from", "2026-11-23", "--to", "2026-11-29"]
    bad_date = runner.invoke(cli, ["report", "weekly", "--from", "23.11.2026", "--to", "2026-11-29", "--out", "r.xlsx"])
    assert bad_date.exit_code == 2 and "23.11.2026" in bad_date.output and "YYYY-MM-DD" in bad_date.output
    backwards = runner.invoke(
        cli, ["report", "weekly", "--from", "2026-11-29", "--to", "2026-11-23", "--out", "r.xlsx"]
    )
    assert backwards.exit_code == 2 and "after" in backwards.output
    docx = runner.invoke(cli, [*base, "--out", str(tmp_path / "r.docx")])
    assert docx.exit_code == 2 and ".docx" in docx.output
    nowhere = runner.invoke(cli, [*base, "--out", str(tmp_path / "missing" / "r.pdf")])
    assert nowhere.exit_code == 2 and "does not exist" in _unboxed(nowhere.output)
    for suffix in ("xlsx", "pdf"):
        out = tmp_path / f"weekly.{suffix}"
        done = runner.invoke(cli, [*base, "--out", str(out)])
        assert done.exit_code == 0, done.output
        content = out.read_bytes()
        if suffix == "xlsx":
            book = load_workbook(BytesIO(content))
            assert book.sheetnames == SHEETS
            summary = {row[0]: row[1:3] for row in rows_of(book["Сводка"]) if row and row[0]}
            assert summary["Обращений зарегистрировано"] == (4, 1)  # the system: the whole region
            assert_no_personal_data(xlsx_text(content))
        else:
            assert re.search(r"Обращений зарегистрировано\s+4\s+1", pdf_text(content))
    one = runner.invoke(cli, [*base, "--municipality", "Галич", "--out", str(tmp_path / "galich.xlsx")])
    assert one.exit_code == 0, one.output
    rows = {r[0]: r[1:3] for r in rows_of(load_workbook(tmp_path / "galich.xlsx")["Сводка"]) if r and r[0]}
    assert rows["Обращений зарегистрировано"] == (1, 0)
    unknown = runner.invoke(cli, [*base, "--municipality", "Атлантида", "--out", str(tmp_path / "x.xlsx")])
    assert unknown.exit_code == 2 and "Атлантида" in unknown.output
