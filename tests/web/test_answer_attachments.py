"""Files on a final answer: the executor attaches PDF/JPEG/PNG (type by the first bytes, ≤ 10 МБ, ≤ 5), the
moderator sees them on the review screen, and the citizen downloads them from their own appeal's page once the
answer is published — never before, never another citizen (roles.md; docs/answers.md)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from otklik.channels.portal.settings import load_portal_settings
from otklik.domain.access import SYSTEM
from otklik.domain.status import AppealStatus
from otklik.services.appeals import Correction, TransitionRequest, change_status, correct, get_detail
from otklik.services.context import ServiceContext
from otklik.web.app import create_app
from staff_support import PASSWORD, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

CITIZEN_PASSWORD = "Ромашка-2026"
POTHOLE = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
# «направлено в компетентный орган» names no action taken: the checker flags it, so a moderator reviews it.
FORMAL = "Ваше обращение направлено в компетентный орган."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def file_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OTKLIK_PORTAL_PASSWORD_HASH_ROUNDS", "4")
    monkeypatch.setenv("OTKLIK_PORTAL_ATTACHMENTS_DIR", str(tmp_path / "files"))
    load_portal_settings.cache_clear()
    yield tmp_path / "files"
    load_portal_settings.cache_clear()


@pytest.fixture
def browser(ctx: ServiceContext, staff_team: StaffTeam) -> Iterator[Callable[[], TestClient]]:
    """A new browser (its own cookie jar) per call."""
    staff_team.token("admin")  # creates every staff account
    opened: list[TestClient] = []

    def open_browser() -> TestClient:
        browser = TestClient(create_app(ctx), raise_server_exceptions=False)
        opened.append(browser.__enter__())
        return browser

    yield open_browser
    for browser in opened:
        browser.__exit__(None, None, None)


def csrf(page_text: str) -> str:
    found = CSRF.search(page_text)
    assert found is not None
    return found.group(1)


def staff(browser: TestClient, login: str) -> TestClient:
    form = browser.get("/ui/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found is not None
    data = {"username": login, "password": PASSWORD, "login_csrf": found.group(1), "next": "/ui/"}
    assert browser.post("/ui/login", data=data, follow_redirects=False).status_code == 303
    return browser


def citizen(browser: TestClient, email: str) -> TestClient:
    """Registered through the portal's own form, with the 152-ФЗ consent; signed in by the registration."""
    form = browser.get("/portal/register")
    data = {"csrf_token": csrf(form.text), "name": "Анна Смирнова", "email": email, "phone": ""}
    answer = browser.post("/portal/register", data={**data, "password": CITIZEN_PASSWORD, "consent": "yes"})
    assert answer.status_code in (200, 303), answer.text
    return browser


def portal_appeal_of_the_sharya_body(ctx: ServiceContext, web: TestClient) -> int:
    """The citizen submits through the portal's form; the appeal is then the Шарья body's, taken into work."""
    form = web.get("/portal/appeals/new")
    data = {"csrf_token": csrf(form.text), "text": POTHOLE, "address": "Шарья, ул. Советская, 5"}
    sent = web.post("/portal/appeals/new", data=data, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    found = re.search(r"/portal/appeals/(\d+)", sent.headers["location"])
    assert found is not None
    appeal_id = int(found.group(1))
    appeal = get_detail(ctx, SYSTEM, appeal_id).appeal
    if appeal.municipality_id != SHARYA:
        correct(ctx, SYSTEM, appeal_id, Correction(municipality_id=SHARYA, reason="подготовка теста"))
    if appeal.status_enum is not AppealStatus.NEEDS_MODERATION:
        change_status(ctx, SYSTEM, appeal_id, TransitionRequest(AppealStatus.NEEDS_MODERATION, reason="тест"))
    change_status(ctx, SYSTEM, appeal_id, TransitionRequest(AppealStatus.ASSIGNED, agency_id=SHARYA_ADMIN))
    change_status(ctx, SYSTEM, appeal_id, TransitionRequest(AppealStatus.IN_PROGRESS))
    return appeal_id


def send_final(
    executor: TestClient, appeal_id: int, files: list[tuple[str, tuple[str, bytes, str]]], answer: str = FORMAL
) -> tuple[int, str]:
    token = csrf(executor.get(f"/ui/appeals/{appeal_id}").text)
    data = {"csrf_token": token, "text": answer, "back": f"/ui/appeals/{appeal_id}"}
    sent = executor.post(f"/ui/agency/{appeal_id}/final", data=data, files=files, follow_redirects=False)
    return sent.status_code, sent.text


def count(ctx: ServiceContext, table: str) -> int:
    with ctx.uow.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def links(page_text: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[^"]+)"', page_text)


def test_files_go_with_the_answer_to_review_and_reach_the_citizen_once_published(
    ctx: ServiceContext, browser: Callable[[], TestClient], file_store: Path
) -> None:
    anna = citizen(browser(), "anna@example.org")
    appeal_id = portal_appeal_of_the_sharya_body(ctx, anna)
    executor = staff(browser(), "sharya.exec")
    card = executor.get(f"/ui/appeals/{appeal_id}").text
    form = re.search(rf'<form[^>]*data-testid="final-form-{appeal_id}"[^>]*>', card)
    assert form is not None and 'enctype="multipart/form-data"' in form.group(0)
    assert 'type="file"' in card

    files = [("files", ("акт выполненных работ.pdf", PDF, "application/pdf")), ("files", ("после.jpg", JPEG, ""))]
    assert send_final(executor, appeal_id, files)[0] == 303
    assert count(ctx, "answer_attachments") == 2
    assert sorted(p.read_bytes() for p in file_store.rglob("*") if p.is_file()) == sorted([PDF, JPEG])

    # Under review: the moderator sees the files; the citizen sees nothing yet (roles.md: nothing before approval).
    moderator = staff(browser(), "sharya.mod")
    queue = moderator.get("/ui/review").text
    found = re.search(r'data-testid="approve-(\d+)"', queue)
    assert found is not None
    draft_id = found.group(1)
    staff_links = links(queue, f"/ui/answers/{draft_id}/files/")
    assert len(staff_links) == 2 and "акт выполненных работ.pdf" in queue
    pdf = moderator.get(staff_links[0])
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert links(executor.get(f"/ui/appeals/{appeal_id}").text, f"/ui/answers/{draft_id}/files/") == staff_links
    foreign = staff(browser(), "galich.exec")
    assert foreign.get(staff_links[0]).status_code == 404, "outside the scope the answer does not exist"

    own_page = anna.get(f"/portal/appeals/{appeal_id}").text
    assert links(own_page, f"/portal/appeals/{appeal_id}/files/") == []
    file_id = staff_links[0].rsplit("/", 1)[1]
    assert anna.get(f"/portal/appeals/{appeal_id}/files/{file_id}").status_code == 404

    approved = moderator.post(
        f"/ui/review/{draft_id}/approve", data={"csrf_token": csrf(queue)}, follow_redirects=False
    )
    assert approved.status_code == 303
    citizen_links = links(anna.get(f"/portal/appeals/{appeal_id}").text, f"/portal/appeals/{appeal_id}/files/")
    assert len(citizen_links) == 2
    downloaded = anna.get(citizen_links[0])
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert downloaded.headers["content-disposition"].startswith("inline")
    assert anna.get(citizen_links[1]).content == JPEG

    boris = citizen(browser(), "boris@example.org")
    assert boris.get(citizen_links[0]).status_code == 404, "another citizen's appeal does not exist for them"


@pytest.mark.parametrize(
    ("files", "status", "reason"),
    [
        ([("files", ("акт.pdf", b"plain text pretending to be a PDF", "application/pdf"))], 422, "акт.pdf"),
        ([("files", ("скан.pdf", PDF + b"\0" * (10 * 1024 * 1024), "application/pdf"))], 413, "10 МБ"),
        ([("files", (f"{i}.pdf", PDF, "application/pdf")) for i in range(6)], 422, "не больше 5"),
    ],
)
def test_a_refused_file_brings_the_form_back_with_the_reason_and_stores_nothing(
    ctx: ServiceContext,
    browser: Callable[[], TestClient],
    file_store: Path,
    files: list[tuple[str, tuple[str, bytes, str]]],
    status: int,
    reason: str,
) -> None:
    appeal_id = portal_appeal_of_the_sharya_body(ctx, citizen(browser(), "anna@example.org"))
    executor = staff(browser(), "sharya.exec")
    answer = "Яма на улице Советской заделана 3 декабря бригадой администрации городского округа город Шарья."
    code, page = send_final(executor, appeal_id, files, answer)
    assert code == status
    assert reason in page and f'data-testid="final-form-{appeal_id}"' in page, "the form is back with the reason"
    assert count(ctx, "answer_attachments") == 0 and count(ctx, "answer_drafts") == 0
    assert not file_store.joinpath("answers").exists()
    assert get_detail(ctx, SYSTEM, appeal_id).appeal.status == AppealStatus.IN_PROGRESS


def test_an_answer_without_files_still_goes_through_the_multipart_form(
    ctx: ServiceContext, browser: Callable[[], TestClient]
) -> None:
    appeal_id = portal_appeal_of_the_sharya_body(ctx, citizen(browser(), "anna@example.org"))
    executor = staff(browser(), "sharya.exec")
    answer = "Яма на улице Советской заделана 3 декабря бригадой администрации городского округа город Шарья."
    empty_input = [("files", ("", b"", "application/octet-stream"))]  # what a browser sends when nothing is chosen
    assert send_final(executor, appeal_id, empty_input, answer)[0] == 303
    assert count(ctx, "answer_drafts") == 1 and count(ctx, "answer_attachments") == 0
