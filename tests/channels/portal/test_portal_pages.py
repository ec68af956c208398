"""The citizen's pages at /portal/, driven through their HTML forms with a cookie-keeping client: register with
the 152-ФЗ consent, sign in and out, submit with a photo, «Мои обращения», the staff's answer, the rating that
reopens, another citizen's 404, CSRF on every form, typed values kept on a refusal, landline phone numbers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from portal_support import PASSWORD, POTHOLE, png

from otklik.channels.portal.settings import load_portal_settings
from otklik.services.context import ServiceContext
from otklik.web.app import create_app

pytestmark = pytest.mark.db
ANSWER = "Яму на улице Советской заделали асфальтом 30 ноября, работы выполнило МУП «Дорожник»."
NUMBER = re.compile(r"44-\d{4}-\d{6}")


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def field(page: httpx.Response, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    assert found, page.text
    return found.group(1)


Browser = Callable[..., TestClient]


@pytest.fixture
def browser(ctx: ServiceContext) -> Iterator[Browser]:
    """A new browser per call (its own cookie jar), all on the same app."""
    app = create_app(ctx)
    opened: list[TestClient] = []

    def open_browser(base_url: str = "http://testserver") -> TestClient:
        client = TestClient(app, base_url=base_url, raise_server_exceptions=False)
        opened.append(client.__enter__())
        return client

    yield open_browser
    for client in opened:
        client.__exit__(None, None, None)


def register(web: TestClient, *, email: str = "", phone: str = "", name: str = "Анна Смирнова") -> httpx.Response:
    form = web.get("/portal/register")
    data = {"csrf_token": csrf(form), "name": name, "email": email, "phone": phone, "password": PASSWORD}
    return web.post("/portal/register", data={**data, "consent": "yes"})


def sign_out(web: TestClient) -> httpx.Response:
    return web.post("/portal/logout", data={"csrf_token": csrf(web.get("/portal/appeals"))})


def sign_in(web: TestClient, login: str, password: str = PASSWORD) -> httpx.Response:
    form = web.get("/portal/login")
    return web.post("/portal/login", data={"csrf_token": csrf(form), "login": login, "password": password})


def submit(web: TestClient, **files: Any) -> httpx.Response:
    form = web.get("/portal/appeals/new")
    data = {
        "csrf_token": csrf(form),
        "submission_key": field(form, "submission_key"),
        "text": POTHOLE["text"],
        "address": "Шарья, ул. Советская, 5",
        "lat": "",
        "lon": "",
    }
    return web.post("/portal/appeals/new", data=data, **files)


def appeal_id_of(page: httpx.Response) -> int:
    found = re.search(r"/portal/appeals/(\d+)", str(page.url))
    assert found, page.url
    return int(found.group(1))


def staff_answers(client: TestClient, appeal_id: int) -> bool:
    """As the center's admin through the API: assign (to the town of Sharya's administration, the body for its
    streets) if the machine left it to moderators, then the final answer; an answer kept for review is approved,
    as the moderator would. True when it went through that review."""
    status = client.get(f"/api/v1/appeals/{appeal_id}").json()["status"]
    if status in ("new", "needs_moderation"):
        moved = client.post(
            f"/api/v1/appeals/{appeal_id}/transitions", json={"to": "assigned", "agency_id": "adm-34730000"}
        )
        assert moved.status_code == 200, moved.text
    replied = client.post(f"/api/v1/appeals/{appeal_id}/replies", json={"kind": "final", "text": ANSWER})
    assert replied.status_code == 201, replied.text
    reviewed = replied.json()["status"] != "resolved"
    if reviewed:
        drafts = client.get(f"/api/v1/appeals/{appeal_id}/answers").json()
        pending = [d for d in drafts if d["status"] == "pending"]
        assert len(pending) == 1, drafts
        approved = client.post(f"/api/v1/answers/{pending[0]['id']}/approve")
        assert approved.status_code == 200, approved.text
    assert client.get(f"/api/v1/appeals/{appeal_id}").json()["status"] == "resolved"
    return reviewed


def test_the_whole_story_through_the_forms(browser: Browser, client: TestClient, portal_env: Path) -> None:
    anna = browser()
    welcome = register(anna, email="anna@example.org")
    assert welcome.status_code == 200 and welcome.url.path == "/portal/appeals/new"
    assert "Подать обращение" in welcome.text and "Анна Смирнова" in welcome.text

    out = sign_out(anna)
    assert out.url.path == "/portal/login" and "Вы вышли" in out.text
    assert anna.get("/portal/appeals", follow_redirects=False).status_code == 303
    signed_in = sign_in(anna, "Anna@Example.org")
    assert signed_in.status_code == 200 and signed_in.url.path == "/portal/appeals"
    assert "Обращений пока нет" in signed_in.text

    page = submit(anna, files=[("photos", ("яма.png", png(), "image/png"))])
    assert page.status_code == 200, page.text
    number = NUMBER.search(page.text)
    flash = re.search(r'data-testid="submitted">([^<]+)<', page.text)
    assert number and flash and f"зарегистрировано под номером {number.group()}" in flash.group(1)
    assert "Ответ ожидается до" in flash.group(1) and POTHOLE["text"] in page.text
    assert len(list(portal_env.rglob("*.png"))) == 1  # the photo went through the portal's own storage
    appeal_id = appeal_id_of(page)

    mine = anna.get("/portal/appeals")
    assert mine.status_code == 200 and number.group() in mine.text
    assert mine.text.count('data-testid="my-appeal"') == 1

    staff_answers(client, appeal_id)
    answered = anna.get(f"/portal/appeals/{appeal_id}")
    assert ANSWER in answered.text
    assert "Окончательный ответ" in answered.text and "Дан окончательный ответ" in answered.text
    assert "Оцените ответ" in answered.text and "дан ответ" in answered.text

    rated = anna.post(
        f"/portal/appeals/{appeal_id}/rating",
        data={"csrf_token": csrf(answered), "score": "2", "solved": "no", "comment": "яма снова появилась"},
    )
    assert rated.status_code == 200 and rated.url.path == f"/portal/appeals/{appeal_id}"
    assert re.search(r'data-testid="status">возобновлено<', rated.text), rated.text
    assert "Вы оценили ответ: 2 из 5, проблема не решена" in rated.text
    assert "Оцените ответ" not in rated.text  # rated once for this answer
    assert client.get(f"/api/v1/appeals/{appeal_id}").json()["status"] == "reopened"
    assert "возобновлено" in anna.get("/portal/appeals").text


def test_another_citizen_cannot_open_or_rate_it(browser: Browser, client: TestClient) -> None:
    anna, boris = browser(), browser()
    register(anna, email="anna@example.org")
    appeal_id = appeal_id_of(submit(anna))
    staff_answers(client, appeal_id)
    register(boris, email="boris@example.org", name="Борис Петров")

    foreign = boris.get(f"/portal/appeals/{appeal_id}")
    missing = boris.get("/portal/appeals/999999999")
    assert foreign.status_code == missing.status_code == 404
    assert POTHOLE["text"] not in foreign.text and "Обращение не найдено" in foreign.text
    token = csrf(boris.get("/portal/appeals"))
    rating = boris.post(f"/portal/appeals/{appeal_id}/rating", data={"csrf_token": token, "score": "1", "solved": "no"})
    assert rating.status_code == 404
    assert appeal_id_of(submit(anna)) != appeal_id  # anna still works; her first appeal is untouched:
    assert client.get(f"/api/v1/appeals/{appeal_id}").json()["status"] == "resolved"
    assert NUMBER.search(boris.get("/portal/appeals").text) is None


def test_every_form_needs_its_csrf_token(browser: Browser, client: TestClient) -> None:
    anna = browser()
    anonymous = {"name": "Анна", "email": "anna@example.org", "password": PASSWORD, "consent": "yes"}
    assert anna.post("/portal/register", data=anonymous).status_code == 403
    anna.get("/portal/register")  # the form cookie is there now, but the form's value is still missing or wrong
    assert anna.post("/portal/register", data={**anonymous, "csrf_token": "подделка"}).status_code == 403
    assert anna.post("/portal/login", data={"login": "anna@example.org", "password": PASSWORD}).status_code == 403

    register(anna, email="anna@example.org")
    page = anna.get("/portal/appeals/new")
    data = {"text": POTHOLE["text"], "submission_key": field(page, "submission_key")}
    refused = anna.post("/portal/appeals/new", data=data)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert anna.post("/portal/appeals/new", data={**data, "csrf_token": csrf(page) + "x"}).status_code == 403
    assert anna.post("/portal/logout", follow_redirects=False).status_code == 403
    assert "Обращений пока нет" in anna.get("/portal/appeals").text  # nothing was submitted, still signed in
    assert client.get("/api/v1/appeals").json()["total"] == 0

    # a token is bound to its session: a new sign-in gives a new one, the old page's token stops working
    old = csrf(anna.get("/portal/appeals"))
    sign_out(anna)
    sign_in(anna, "anna@example.org")
    assert csrf(anna.get("/portal/appeals")) != old
    assert anna.post("/portal/logout", data={"csrf_token": old}).status_code == 403


def test_a_kostroma_landline_is_a_login(browser: Browser) -> None:
    anna = browser()
    welcome = register(anna, phone="(4942) 31-22-33")
    assert welcome.status_code == 200 and welcome.url.path == "/portal/appeals/new", welcome.text
    sign_out(anna)
    assert sign_in(anna, "8 4942 312233").url.path == "/portal/appeals"
    sign_out(anna)
    assert sign_in(anna, "+74942312233").url.path == "/portal/appeals"


def test_refused_forms_keep_what_was_typed_but_not_the_password(browser: Browser) -> None:
    anna = browser()
    form = anna.get("/portal/register")
    typed = {"csrf_token": csrf(form), "name": "Анна Смирнова", "email": "anna@example.org", "phone": "12-34"}
    bad_phone = anna.post("/portal/register", data={**typed, "password": PASSWORD, "consent": "yes"})
    assert bad_phone.status_code == 422 and "телефон нужен в формате +7" in bad_phone.text
    assert 'value="Анна Смирнова"' in bad_phone.text and 'value="anna@example.org"' in bad_phone.text
    assert 'value="12-34"' in bad_phone.text and PASSWORD not in bad_phone.text

    no_consent = anna.post("/portal/register", data={**typed, "phone": "", "password": PASSWORD})
    assert no_consent.status_code == 422 and "152-ФЗ" in no_consent.text
    weak = anna.post("/portal/register", data={**typed, "phone": "", "password": "12345678", "consent": "yes"})
    assert weak.status_code == 422 and "простой" in weak.text and 'value="Анна Смирнова"' in weak.text
    assert anna.get("/portal/appeals", follow_redirects=False).status_code == 303  # no account, not signed in

    register(anna, email="anna@example.org")
    sign_out(anna)
    wrong = sign_in(anna, "anna@example.org", "Неверный-пароль-1")
    assert wrong.status_code == 401 and "неверный логин или пароль" in wrong.text
    assert 'value="anna@example.org"' in wrong.text and "Неверный-пароль-1" not in wrong.text

    sign_in(anna, "anna@example.org")
    page = anna.get("/portal/appeals/new")
    base = {"csrf_token": csrf(page), "submission_key": field(page, "submission_key"), "address": "Шарья, ул. Мира"}
    empty = anna.post("/portal/appeals/new", data={**base, "text": "   "})
    assert empty.status_code == 422 and "текст обращения пуст" in empty.text
    assert 'value="Шарья, ул. Мира"' in empty.text
    fake_photo = [("photos", ("fake.jpg", b"not a photo at all", "image/jpeg"))]
    refused = anna.post("/portal/appeals/new", data={**base, "text": POTHOLE["text"]}, files=fake_photo)
    assert refused.status_code == 415 and "fake.jpg" in refused.text and POTHOLE["text"] in refused.text
    assert "Обращений пока нет" in anna.get("/portal/appeals").text


def test_rating_needs_a_score_and_a_final_answer(
    browser: Browser, client: TestClient, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = browser()
    register(anna, email="anna@example.org")
    page = submit(anna)
    appeal_id = appeal_id_of(page)
    assert "Оцените ответ" not in page.text  # no final answer yet: no rating form
    early = anna.post(
        f"/portal/appeals/{appeal_id}/rating", data={"csrf_token": csrf(page), "score": "5", "solved": "yes"}
    )
    assert early.status_code == 422  # the service refuses a rating before the final answer
    # this kind's final answers wait for a moderator: nothing reaches the citizen before the approval
    monkeypatch.setattr(
        ctx.settings, "answer_review_kinds", [client.get(f"/api/v1/appeals/{appeal_id}").json()["kind"]]
    )
    replied = client.post(f"/api/v1/appeals/{appeal_id}/replies", json={"kind": "final", "text": ANSWER})
    assert replied.status_code == 201 and replied.json()["status"] != "resolved", replied.text
    waiting = anna.get(f"/portal/appeals/{appeal_id}")
    assert ANSWER not in waiting.text and "Оцените ответ" not in waiting.text and "Ответа пока нет" in waiting.text
    (draft,) = [d for d in client.get(f"/api/v1/appeals/{appeal_id}/answers").json() if d["status"] == "pending"]
    assert client.post(f"/api/v1/answers/{draft['id']}/approve").status_code == 200
    answered = anna.get(f"/portal/appeals/{appeal_id}")
    assert ANSWER in answered.text
    no_score = anna.post(
        f"/portal/appeals/{appeal_id}/rating",
        data={"csrf_token": csrf(answered), "solved": "yes", "comment": "спасибо"},
    )
    assert no_score.status_code == 422 and "от 1 до 5" in no_score.text and "спасибо" in no_score.text
    solved = anna.post(
        f"/portal/appeals/{appeal_id}/rating", data={"csrf_token": csrf(answered), "score": "5", "solved": "yes"}
    )
    assert re.search(r'data-testid="status">закрыто<', solved.text) and "Проблема не решена?" in solved.text
    # changed one's mind within the window: the reopen form returns it to work
    reopened = anna.post(
        f"/portal/appeals/{appeal_id}/reopen", data={"csrf_token": csrf(solved), "comment": "яма вернулась"}
    )
    assert reopened.status_code == 200 and re.search(r'data-testid="status">возобновлено<', reopened.text)


def test_the_cookie_and_the_page_basics(browser: Browser) -> None:
    secure = browser("https://testserver")
    form = secure.get("/portal/register")
    assert '<html lang="ru">' in form.text and 'name="viewport"' in form.text
    assert '<label for="password">' in form.text and load_portal_settings().consent_text in form.text
    data = {"csrf_token": csrf(form), "name": "Анна", "email": "anna@example.org", "password": PASSWORD}
    signed = secure.post("/portal/register", data={**data, "consent": "yes"}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = next(h for h in signed.headers.get_list("set-cookie") if h.startswith("otklik_portal="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie and "Path=/portal" in cookie

    plain = register(browser(), email="boris@example.org").history[0]
    assert not any("Secure" in h for h in plain.headers.get_list("set-cookie") if h.startswith("otklik_portal="))
    to_login = browser().get("/portal/appeals/new", follow_redirects=False)
    assert to_login.status_code == 303 and to_login.headers["location"] == "/portal/login?next=/portal/appeals/new"


def test_a_changed_consent_text_is_confirmed_before_submitting(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = browser()
    register(anna, email="anna@example.org")
    monkeypatch.setenv("OTKLIK_PORTAL_CONSENT_VERSION", "2027-01-01")  # the operator's lawyers changed the text
    load_portal_settings.cache_clear()
    asked = anna.get("/portal/appeals/new")
    assert asked.url.path == "/portal/consent" and "текст согласия изменился" in asked.text
    unticked = anna.post("/portal/consent", data={"csrf_token": csrf(asked), "next": "/portal/appeals/new"})
    assert unticked.status_code == 422 and "Отметьте согласие" in unticked.text
    given = anna.post(
        "/portal/consent", data={"csrf_token": csrf(asked), "next": "/portal/appeals/new", "agree": "yes"}
    )
    assert given.url.path == "/portal/appeals/new" and 'name="submission_key"' in given.text
    assert NUMBER.search(submit(anna).text)
