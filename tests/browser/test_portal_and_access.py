"""The workplace's front door and its limits in a real browser: the sign-in form, a wrong password, signing out,
an analyst's read-only card (roles.md: an analyst never sees a citizen's contacts, so no «Показать контакты»),
and the moderation queue at a phone's width without horizontal scrolling."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import BrowserContext, ViewportSize, expect

from browser.conftest import Profiles, shot, sign_in
from staff_support import StaffTeam

pytestmark = pytest.mark.db

PHONE: ViewportSize = {"width": 390, "height": 844}  # a common phone's CSS viewport
# Sub-pixel rounding of borders may add a pixel; anything more is a real horizontal scroll.
OVERFLOW_TOLERANCE = 2
LONG_TEXT = (
    "На улице Октябрьской в Шарье у дома 12 с понедельника не горят фонари, вечером дети идут в школу в темноте, "
    "водители не видят пешеходов на переходе; просим восстановить освещение и проверить провода на опорах"
)


def register_in_queue(base_url: str, staff_team: StaffTeam, text: str, external_id: str) -> int:
    """A VK message through the integration API, then into the moderation queue as the admin does it: the
    screens under test need an appeal in a moderator's queue whatever the machine decided."""
    with httpx.Client(base_url=base_url, timeout=10) as http:
        posted = http.post(
            "/api/v1/messages",
            json={
                "channel": "vk",
                "external_id": external_id,
                "text": text,
                "author": {"name": "Ольга Смирнова", "id": "4242", "phone": "+79101234567"},
                "created_at": datetime.now(UTC).isoformat(),
            },
            headers=staff_team.gateway,
        )
        assert posted.status_code in (201, 202), posted.text
        appeal_id = posted.json()["appeal_id"]
        assert appeal_id is not None, posted.text
        current = http.get(f"/api/v1/appeals/{appeal_id}", headers=staff_team.headers("admin")).json()
        if current["status"] != "needs_moderation":
            moved = http.post(
                f"/api/v1/appeals/{appeal_id}/transitions",
                json={"to": "needs_moderation", "reason": "проверка"},
                headers=staff_team.headers("admin"),
            )
            assert moved.status_code == 200, moved.text
    return int(appeal_id)


def test_sign_in_form_and_wrong_password(browser: BrowserContext, staff_team: StaffTeam) -> None:
    staff_team.token("admin")  # creates every account
    page = browser.new_page()
    page.goto("/ui/")
    expect(page).to_have_url(re.compile(r"/ui/login"))  # not signed in: the workplace sends to the form
    expect(page.get_by_role("heading", name="Вход для сотрудников")).to_be_visible()
    shot(page, "01-login")

    page.get_by_label("Логин").fill("sharya.mod")
    page.get_by_label("Пароль").fill("не-тот-пароль-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_contain_text("неверный логин или пароль")
    expect(page).to_have_url(re.compile(r"/ui/login"))
    expect(page.get_by_role("navigation", name="Разделы")).to_have_count(0)  # still nobody signed in
    page.goto("/ui/moderation")
    expect(page).to_have_url(re.compile(r"/ui/login"))
    shot(page, "16-login-wrong-password")


def test_sign_out_ends_the_session(browser: BrowserContext, staff_team: StaffTeam) -> None:
    staff_team.token("admin")
    page = sign_in(browser, "sharya.mod")
    expect(page.get_by_text("Шарьина Дарья · модератор района")).to_be_visible()
    page.get_by_role("button", name="выйти").click()
    expect(page).to_have_url(re.compile(r"/ui/login"))
    expect(page.get_by_role("heading", name="Вход для сотрудников")).to_be_visible()
    page.goto("/ui/moderation")  # the old cookie no longer opens anything
    expect(page).to_have_url(re.compile(r"/ui/login"))
    expect(page.get_by_label("Логин")).to_be_visible()
    shot(page, "17-signed-out")


def test_the_analyst_card_has_no_contacts_button(profiles: Profiles, live_server: str, staff_team: StaffTeam) -> None:
    appeal_id = register_in_queue(live_server, staff_team, LONG_TEXT, "wall-1_100_1")
    # the district moderator's card of the same appeal offers the button: its absence below is the analyst's role
    moderator = sign_in(profiles.new(), "sharya.mod")
    moderator.goto(f"/ui/appeals/{appeal_id}")
    expect(moderator.get_by_role("button", name="Показать контакты")).to_be_visible()

    page = sign_in(profiles.new(), "analyst")
    page.goto(f"/ui/appeals/{appeal_id}")
    expect(page.get_by_test_id("appeal-text")).to_contain_text("не горят фонари")
    expect(page.get_by_role("button", name="Показать контакты")).to_have_count(0)
    expect(page.get_by_text("Для вашей роли здесь только просмотр.")).to_be_visible()
    expect(page.get_by_text("+79101234567")).to_have_count(0)
    shot(page, "18-analyst-card")


def test_the_queue_fits_a_phone(profiles: Profiles, live_server: str, staff_team: StaffTeam) -> None:
    for n, text in enumerate((LONG_TEXT, "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса")):
        register_in_queue(live_server, staff_team, text, f"wall-1_200_{n}")
    page = sign_in(profiles.new(viewport=PHONE), "sharya.mod")
    expect(page).to_have_url(re.compile(r"/ui/moderation"))
    expect(page.locator("[data-testid^=queue-item-]")).to_have_count(2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + OVERFLOW_TOLERANCE, f"the queue scrolls sideways: {width} px on a 390 px phone"
    shot(page, "19-queue-phone")


def test_the_citizen_signs_out_and_a_wrong_password_is_refused(browser: BrowserContext) -> None:
    email, password = "p.orlov@example.ru", "Орлов-2026-пароль"
    page = browser.new_page()
    page.goto("/portal/register")
    page.get_by_label("Как к вам обращаться").fill("Пётр Орлов")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_label("Я согласен(на) на обработку персональных данных (152-ФЗ)").check()
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.get_by_test_id("citizen-name")).to_have_text("Пётр Орлов")

    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_text("Вы вышли из личного кабинета.")).to_be_visible()
    page.goto("/portal/appeals")  # the old cookie no longer opens the account
    expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()

    page.get_by_label("E-mail или телефон").fill(email)
    page.get_by_label("Пароль").fill("совсем-не-тот-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_contain_text("неверный логин или пароль")
    expect(page.get_by_test_id("citizen-name")).to_have_count(0)
    shot(page, "20-portal-wrong-password")
