"""The whole story of one appeal in a real browser, one screenshot per screen (artifacts/screenshots/):
a citizen writes on the portal → the district moderator corrects and routes → the executor sends an «отписка» →
the answer check flags it and the moderator returns it → a proper answer → approved → the citizen says «не решено»
→ the appeal is «возобновлено» → a foreign body cannot open it (the not-found page, roles.md: outside the scope an
appeal does not exist). Every step asserts what a person sees: texts, statuses in Russian."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Profiles, shot, sign_in
from otklik.services.context import ServiceContext
from staff_support import PASSWORD, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

APPEAL_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса, уже неделю никто не чинит"
BARE_REPLY = "Ваше обращение рассмотрено. Информация принята к сведению."
RETURN_COMMENT = "Это отписка: напишите, что сделано, кем и когда, по адресу из обращения."
PROPER_REPLY = (
    "01.12.2026 бригада МКУ «Служба заказчика» заделала яму у дома 5 по ул. Советской, покрытие восстановлено"
)
# The machine reads the text as «Ямы и выбоины на дороге»; the moderator files it under the road's repair, which
# the citizen actually complains about («уже неделю никто не чинит»): a real correction the history must record.
ROADS, ROAD_REPAIR = "Дороги", "Ремонт дороги"
NUMBER = re.compile(r"44-\d{4}-\d{6}")
CITIZEN_NAME, CITIZEN_EMAIL, CITIZEN_PASSWORD = "Ирина Соколова", "i.sokolova@example.ru", "Соколова-2026-яма"


@dataclass(frozen=True)
class Filed:
    """The appeal as the citizen got it on the portal: its number, and its id for the workplace's URLs."""

    number: str
    id: int


class Api:
    """The staff API of the live server, for the one thing the story does outside a browser: putting the
    appeal into the moderation queue when the machine was confident enough to assign it by itself."""

    def __init__(self, base_url: str, login: str) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=10)
        token = self._http.post("/api/v1/auth/token", data={"username": login, "password": PASSWORD})
        assert token.status_code == 200, token.text
        self._http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def close(self) -> None:
        self._http.close()

    def find(self, number: str) -> dict[str, object]:
        found = self._http.get("/api/v1/appeals", params={"per_page": 200})
        assert found.status_code == 200, found.text
        matching = [a for a in found.json()["items"] if a["number"] == number]
        assert len(matching) == 1, f"the appeal {number} is registered once"
        return dict(matching[0])

    def to_moderation(self, appeal_id: int) -> None:
        moved = self._http.post(
            f"/api/v1/appeals/{appeal_id}/transitions", json={"to": "needs_moderation", "reason": "проверка"}
        )
        assert moved.status_code == 200, moved.text


@pytest.fixture
def every_answer_reviewed(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """The center's setting OTKLIK_ANSWER_REVIEW_KINDS extended to portal messages: a moderator reads every final
    answer before the citizen does. By default only flagged answers and public incidents wait (docs/answers.md),
    so the proper answer of step 5 would be published at once and step 6 would have nothing to approve."""
    kinds = [*ctx.settings.answer_review_kinds, "message"]
    monkeypatch.setattr(ctx, "settings", ctx.settings.model_copy(update={"answer_review_kinds": kinds}))


def expect_flash(page: Page, text: str | re.Pattern[str]) -> None:
    """The result of the last action, as the page announces it. Waits for this text, not for any flash: the
    previous action's message stays on screen until the browser has followed the redirect."""
    expect(page.get_by_test_id("flash")).to_contain_text(text)


# --- (1) the citizen: registration with consent, the appeal, its number -------------------------------------
def citizen_submits(profiles: Profiles) -> Filed:
    page = profiles.new().new_page()
    page.goto("/portal/")
    page.get_by_role("link", name="Зарегистрироваться").click()
    expect(page.get_by_role("heading", name="Регистрация")).to_be_visible()
    page.get_by_label("Как к вам обращаться").fill(CITIZEN_NAME)
    page.get_by_label("E-mail").fill(CITIZEN_EMAIL)
    page.get_by_label("Пароль").fill(CITIZEN_PASSWORD)
    consent = page.get_by_label("Я согласен(на) на обработку персональных данных (152-ФЗ)")
    expect(page.get_by_role("group", name="Согласие на обработку персональных данных")).to_contain_text("152-ФЗ")
    consent.check()
    shot(page, "02-portal-register")
    page.get_by_role("button", name="Зарегистрироваться").click()

    expect(page.get_by_role("heading", name="Подать обращение")).to_be_visible()
    expect(page.get_by_text("Личный кабинет создан.")).to_be_visible()
    expect(page.get_by_test_id("citizen-name")).to_have_text(CITIZEN_NAME)
    page.get_by_label("Что случилось").fill(APPEAL_TEXT)
    page.get_by_role("button", name="Отправить обращение").click()

    notice = page.get_by_test_id("submitted")
    expect(notice).to_contain_text("зарегистрировано под номером")
    found = NUMBER.search(notice.inner_text())
    assert found is not None, "the citizen is told the appeal's number"
    number = found.group(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Обращение {number}")
    expect(page.locator(".appeal-text").first).to_have_text(APPEAL_TEXT)
    shot(page, "03-portal-submitted")
    opened = re.search(r"/portal/appeals/(\d+)", page.url)
    assert opened is not None
    return Filed(number, int(opened.group(1)))


# --- (2) the district moderator: queue, correction, routing ----------------------------------------------------
def moderator_routes(profiles: Profiles, filed: Filed) -> Page:
    page = sign_in(profiles.new(), "sharya.mod")
    expect(page).to_have_url(re.compile(r"/ui/moderation"))  # a moderator starts at the queue
    item = page.get_by_test_id(f"queue-item-{filed.id}")
    expect(item).to_be_visible()
    expect(item).to_contain_text(filed.number)
    expect(item).to_contain_text("на модерации")
    expect(item).to_contain_text("яма на дороге по улице Советской")
    shot(page, "04-moderation-queue")

    item.get_by_text("Исправить, назначить, отклонить…").click()
    item.get_by_label("Группа и тема").select_option(label=ROAD_REPAIR)
    item.get_by_label("Комментарий (необязательно)").fill("жалоба на то, что дорогу не ремонтируют")
    shot(page, "05-moderation-correct")
    item.get_by_role("button", name="Исправить").click()
    expect_flash(page, f"Разбор обращения {filed.number} исправлен")

    item = page.get_by_test_id(f"queue-item-{filed.id}")
    expect(item.get_by_test_id(f"suggestion-{filed.id}")).to_contain_text(f"{ROADS} / {ROAD_REPAIR}")
    item.get_by_text("Исправить, назначить, отклонить…").click()
    item.get_by_label("Ответственный орган").select_option(value=SHARYA_ADMIN)
    item.get_by_role("button", name="Назначить").click()
    expect_flash(page, re.compile(f"Обращение {filed.number} назначено: «[^»]*Шарья»"))
    expect(page.get_by_test_id(f"queue-item-{filed.id}")).to_have_count(0)  # routed: out of the queue
    shot(page, "06-moderation-routed")

    page.goto(f"/ui/appeals/{filed.id}")
    expect(page.get_by_role("heading", name=f"Обращение № {filed.number}")).to_be_visible()
    expect(page.locator(".meta")).to_contain_text("назначено")
    expect(page.get_by_test_id("reading")).to_contain_text(f"{ROADS} / {ROAD_REPAIR}")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text(f"→ {ROAD_REPAIR}")  # the correction, with the moderator as actor
    expect(history).to_contain_text("sharya.mod")
    return page


# --- (3) the executor: takes it and answers with an «отписка» -------------------------------------------------
def executor_sends_bare_reply(profiles: Profiles, filed: Filed) -> Page:
    page = sign_in(profiles.new(), "sharya.exec")
    expect(page).to_have_url(re.compile(r"/ui/agency"))  # a body's people start at their appeals
    item = page.get_by_test_id(f"agency-item-{filed.id}")
    expect(item).to_contain_text(filed.number)
    expect(item).to_contain_text("назначено")
    shot(page, "07-agency-list")

    item.get_by_role("button", name="Взять в работу").click()
    expect_flash(page, f"Обращение {filed.number} взято в работу")
    item = page.get_by_test_id(f"agency-item-{filed.id}")
    expect(item).to_contain_text("в работе")
    expect(item).to_contain_text("(вы)")

    item.get_by_text("Ответить, перенаправить…").click()
    item.get_by_label("Текст ответа: что сделано, кем и когда").fill(BARE_REPLY)
    shot(page, "08-agency-bare-reply")
    item.get_by_role("button", name="Отправить окончательный ответ").click()
    expect_flash(page, "отправлен на проверку модератору")
    expect(page.get_by_test_id(f"draft-status-{filed.id}")).to_contain_text("на проверке")
    return page


# --- (4) the answer check flags it; the moderator returns it ----------------------------------------------------
def moderator_returns(moderator: Page, filed: Filed) -> None:
    moderator.get_by_test_id("nav-review").click()
    expect(moderator).to_have_url(re.compile(r"/ui/review"))
    draft = moderator.locator("[data-testid^=draft-]").filter(has_text=filed.number)
    expect(draft).to_have_count(1)
    expect(draft).to_contain_text(BARE_REPLY)
    expect(draft.get_by_role("heading", name="Замечания проверки")).to_be_visible()  # the checker's remarks
    expect(draft.get_by_role("listitem").first).to_be_visible()
    expect(draft.locator(".badge.high")).to_contain_text("вероятность отписки")  # flagged as a likely «отписка»
    shot(moderator, "09-review-flagged")

    draft.get_by_label("Что исправить").fill(RETURN_COMMENT)
    draft.get_by_role("button", name="Вернуть на доработку").click()
    expect_flash(moderator, "возвращён исполнителю")
    expect(moderator.locator("[data-testid^=draft-]").filter(has_text=filed.number)).to_have_count(0)


# --- (5) the executor reads the comment and answers properly ----------------------------------------------------
def executor_answers_properly(executor: Page, filed: Filed) -> None:
    executor.goto(f"/ui/appeals/{filed.id}")
    box = executor.get_by_test_id(f"draft-status-{filed.id}")
    expect(box).to_contain_text("возвращ")
    expect(executor.get_by_test_id(f"return-comment-{filed.id}")).to_contain_text(RETURN_COMMENT)
    shot(executor, "10-card-returned")

    executor.get_by_label("Текст ответа: что сделано, кем и когда").fill(PROPER_REPLY)
    executor.get_by_role("button", name="Отправить окончательный ответ").click()
    expect_flash(executor, "отправлен на проверку модератору")


# --- (6) the moderator approves ---------------------------------------------------------------------------------
def moderator_approves(moderator: Page, filed: Filed) -> None:
    moderator.get_by_test_id("nav-review").click()
    draft = moderator.locator("[data-testid^=draft-]").filter(has_text=filed.number)
    expect(draft).to_have_count(1)
    expect(draft.get_by_role("textbox").first).to_have_value(PROPER_REPLY)
    shot(moderator, "11-review-proper")
    draft.get_by_role("button", name="Одобрить и опубликовать").click()
    expect_flash(moderator, "Ответ одобрен и отправлен заявителю")

    moderator.goto(f"/ui/appeals/{filed.id}")
    expect(moderator.locator(".meta")).to_contain_text("решено")
    expect(moderator.locator(".reply").filter(has_text=PROPER_REPLY)).to_have_count(1)


# --- (7) the citizen reads the answer and says «не решено» ------------------------------------------------------
def citizen_rates_unsolved(profiles: Profiles, filed: Filed) -> None:
    page = profiles.new().new_page()
    page.goto("/portal/login")
    page.get_by_label("E-mail или телефон").fill(CITIZEN_EMAIL)
    page.get_by_label("Пароль").fill(CITIZEN_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Мои обращения")).to_be_visible()
    mine = page.get_by_test_id("my-appeal").filter(has_text=filed.number)
    expect(mine).to_contain_text("дан ответ")  # the portal's words for «решено»
    mine.get_by_role("link", name=filed.number).click()

    expect(page.get_by_test_id("status")).to_have_text("дан ответ")
    answer = page.get_by_test_id("answer")
    expect(answer).to_have_count(1)  # the returned «отписка» never reached the citizen
    expect(answer).to_contain_text(PROPER_REPLY)
    expect(answer).to_contain_text("Окончательный ответ")
    rating = page.get_by_role("region", name="Оцените ответ")
    rating.get_by_label("1", exact=True).check()
    rating.get_by_label("Не решено").check()
    rating.get_by_label("Комментарий (необязательно)").fill("Яма на месте, ничего не заделано")
    shot(page, "12-portal-answer")
    rating.get_by_role("button", name="Отправить оценку").click()

    expect(page.get_by_text("Спасибо за оценку.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("возобновлено")
    expect(page.get_by_role("region", name="Ваша оценка")).to_contain_text("1 из 5 · не решено")
    shot(page, "13-portal-rated")


# --- (8) the moderator sees the appeal reopened; (9) a foreign body cannot open it ---------------------------
def moderator_sees_reopened(moderator: Page, filed: Filed) -> None:
    moderator.goto(f"/ui/appeals/{filed.id}")
    expect(moderator.locator(".meta")).to_contain_text("возобновлено")
    # the citizen's rating on the card, in the answers' section
    expect(moderator.get_by_role("region", name="Ответы")).to_contain_text("1 из 5, «не решено»")
    expect(moderator.get_by_test_id("history")).to_contain_text("возобновлено")
    shot(moderator, "14-card-reopened")


def foreign_body_gets_not_found(profiles: Profiles, filed: Filed) -> None:
    page = sign_in(profiles.new(), "galich.exec")
    response = page.goto(f"/ui/appeals/{filed.id}")
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("error-page")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text(filed.number)
    expect(page.get_by_text(APPEAL_TEXT)).to_have_count(0)  # nothing of the appeal leaks
    shot(page, "15-foreign-body-not-found")


def test_the_story_of_one_appeal(
    profiles: Profiles, live_server: str, staff_team: StaffTeam, every_answer_reviewed: None
) -> None:
    staff_team.token("admin")  # creates every account
    filed = citizen_submits(profiles)

    admin = Api(live_server, "admin")
    try:
        if admin.find(filed.number)["status"] != "needs_moderation":
            admin.to_moderation(filed.id)  # the machine was confident: the story needs a moderator's decision
    finally:
        admin.close()

    moderator = moderator_routes(profiles, filed)
    executor = executor_sends_bare_reply(profiles, filed)
    moderator_returns(moderator, filed)
    executor_answers_properly(executor, filed)
    moderator_approves(moderator, filed)
    citizen_rates_unsolved(profiles, filed)
    moderator_sees_reopened(moderator, filed)
    foreign_body_gets_not_found(profiles, filed)
