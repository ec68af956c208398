"""The citizen's portal photos on the staff card (roles.md: whoever may read the appeal sees its photos; outside
the scope the appeal, and so its photos, do not exist — 404)."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from otklik.channels.portal.settings import load_portal_settings
from otklik.domain.access import SYSTEM
from otklik.domain.status import AppealStatus
from otklik.services.appeals import Correction, TransitionRequest, change_status, correct, get_detail
from otklik.services.context import ServiceContext
from otklik.web.app import create_app
from staff_support import PASSWORD, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

PORTAL = "/api/v1/portal"
CITIZEN_PASSWORD = "Ромашка-2026"
POTHOLE = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"


def png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG made here: signature, IHDR, one zlib IDAT, IEND, each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x00\x80\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def file_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OTKLIK_PORTAL_PASSWORD_HASH_ROUNDS", "4")
    monkeypatch.setenv("OTKLIK_PORTAL_ATTACHMENTS_DIR", str(tmp_path / "files"))
    load_portal_settings.cache_clear()
    yield tmp_path / "files"
    load_portal_settings.cache_clear()


def sign_in(browser: TestClient, login: str) -> TestClient:
    form = browser.get("/ui/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found is not None
    data = {"username": login, "password": PASSWORD, "login_csrf": found.group(1), "next": "/ui/"}
    assert browser.post("/ui/login", data=data, follow_redirects=False).status_code == 303
    return browser


@pytest.fixture
def staff_browser(ctx: ServiceContext, staff_team: StaffTeam) -> Iterator[Callable[[str], TestClient]]:
    staff_team.token("admin")  # creates every account
    opened: list[TestClient] = []

    def open_as(login: str) -> TestClient:
        browser = TestClient(create_app(ctx), raise_server_exceptions=False)
        opened.append(browser.__enter__())
        return sign_in(browser, login)

    yield open_as
    for browser in opened:
        browser.__exit__(None, None, None)


def portal_citizen(client: TestClient, email: str) -> dict[str, str]:
    body = {"name": "Анна Смирнова", "email": email, "password": CITIZEN_PASSWORD, "consent": True}
    assert client.post(f"{PORTAL}/register", json=body).status_code == 201
    logged_in = client.post(f"{PORTAL}/login", json={"login": email, "password": CITIZEN_PASSWORD})
    assert logged_in.status_code == 200, logged_in.text
    return {"Authorization": f"Bearer {logged_in.json()['access_token']}"}


def submit_with_photo(ctx: ServiceContext, client: TestClient, headers: dict[str, str], image: bytes) -> int:
    """A portal appeal with one photo, then placed in Шарья waiting for a moderator, whatever the engine read."""
    response = client.post(
        f"{PORTAL}/appeals",
        data={"text": POTHOLE, "address": "Шарья, ул. Советская, 5"},
        files=[("photos", ("яма.png", image, "image/png"))],
        headers=headers,
    )
    assert response.status_code == 201, response.text
    appeal_id: int = response.json()["id"]
    appeal = get_detail(ctx, SYSTEM, appeal_id).appeal
    if appeal.municipality_id != SHARYA:
        correct(ctx, SYSTEM, appeal_id, Correction(municipality_id=SHARYA, reason="подготовка теста"))
    if appeal.status_enum is not AppealStatus.NEEDS_MODERATION:
        change_status(ctx, SYSTEM, appeal_id, TransitionRequest(AppealStatus.NEEDS_MODERATION, reason="тест"))
    return appeal_id


THUMBNAIL = re.compile(r'<a href="(/ui/appeals/\d+/photos/\d+)"[^>]*><img src="([^"]+)" alt="([^"]+)"')


def test_the_moderator_sees_the_photo_and_a_foreign_body_does_not(
    ctx: ServiceContext, client: TestClient, staff_browser: Callable[[str], TestClient]
) -> None:
    image = png()
    appeal_id = submit_with_photo(ctx, client, portal_citizen(client, "anna@example.org"), image)

    moderator = staff_browser("sharya.mod")
    card = moderator.get(f"/ui/appeals/{appeal_id}")
    assert card.status_code == 200
    found = THUMBNAIL.findall(card.text)
    assert len(found) == 1, "one photo was sent, one thumbnail"
    link, thumbnail, alt = found[0]
    assert link == thumbnail and link.startswith(f"/ui/appeals/{appeal_id}/photos/")
    assert "яма.png" in alt, "the thumbnail says what it shows"

    download = moderator.get(link)
    assert download.status_code == 200
    assert download.content == image
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("inline")

    # roles.md: an executor sees only their own body's appeals; the Галич body's executor reaches nothing here,
    # not even once the appeal is the Шарья body's.
    change_status(ctx, SYSTEM, appeal_id, TransitionRequest(AppealStatus.ASSIGNED, agency_id=SHARYA_ADMIN))
    foreign = staff_browser("galich.exec")
    assert foreign.get(link).status_code == 404
    assert foreign.get(f"/ui/appeals/{appeal_id}").status_code == 404
    own = staff_browser("sharya.exec")
    assert own.get(link).content == image, "the body the appeal is assigned to reads its photos"


def test_a_photo_of_another_appeal_is_not_found_through_this_one(
    ctx: ServiceContext, client: TestClient, staff_browser: Callable[[str], TestClient]
) -> None:
    first = submit_with_photo(ctx, client, portal_citizen(client, "anna@example.org"), png(2, 2))
    second = submit_with_photo(ctx, client, portal_citizen(client, "boris@example.org"), png(5, 5))
    moderator = staff_browser("sharya.mod")
    found = THUMBNAIL.findall(moderator.get(f"/ui/appeals/{second}").text)
    assert len(found) == 1
    photo_id = found[0][0].rsplit("/", 1)[1]
    assert moderator.get(f"/ui/appeals/{first}/photos/{photo_id}").status_code == 404
    assert moderator.get(f"/ui/appeals/{second}/photos/{photo_id}").content == png(5, 5)
