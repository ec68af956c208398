"""The citizen's appeal page while a request for details waits: the question and a form «Ответить на вопрос»
(CSRF like every portal form) whose answer restarts the deadline clock; the form is gone once answered, a new
submission meanwhile stays a new appeal, and another citizen cannot answer it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from portal_support import PASSWORD, POTHOLE

from otklik.services.context import ServiceContext
from otklik.web.app import create_app

pytestmark = pytest.mark.db
QUESTION = "Уточните, пожалуйста, номер дома и подъезда"
SHARYA_ADMIN = "adm-34730000"  # the town of Sharya's administration, the body for its streets


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


@pytest.fixture
def app_clients(ctx: ServiceContext) -> Iterator[list[TestClient]]:
    opened: list[TestClient] = []
    yield opened
    for web in opened:
        web.__exit__(None, None, None)


def browser(ctx: ServiceContext, opened: list[TestClient]) -> TestClient:
    web = TestClient(create_app(ctx), raise_server_exceptions=False)
    opened.append(web.__enter__())
    return web


def register(web: TestClient, email: str, name: str) -> None:
    form = web.get("/portal/register")
    data = {"csrf_token": csrf(form), "name": name, "email": email, "password": PASSWORD, "consent": "yes"}
    assert web.post("/portal/register", data=data).status_code == 200


def submit(web: TestClient) -> int:
    form = web.get("/portal/appeals/new")
    key = re.search(r'name="submission_key" value="([^"]*)"', form.text)
    assert key, form.text
    data = {"csrf_token": csrf(form), "submission_key": key.group(1), "text": POTHOLE["text"], "lat": "", "lon": ""}
    page = web.post("/portal/appeals/new", data=data)
    found = re.search(r"/portal/appeals/(\d+)", str(page.url))
    assert page.status_code == 200 and found, page.text
    return int(found.group(1))


def ask(client: TestClient, appeal_id: int) -> None:
    if client.get(f"/api/v1/appeals/{appeal_id}").json()["status"] in ("new", "needs_moderation"):
        moved = client.post(
            f"/api/v1/appeals/{appeal_id}/transitions", json={"to": "assigned", "agency_id": SHARYA_ADMIN}
        )
        assert moved.status_code == 200, moved.text
    asked = client.post(f"/api/v1/appeals/{appeal_id}/details-request", json={"question": QUESTION})
    assert asked.status_code == 201, asked.text


def received(client: TestClient, appeal_id: int) -> int:
    history = client.get(f"/api/v1/appeals/{appeal_id}").json()["history"]
    return sum(1 for event in history if event["type"] == "details_received")


def test_the_question_is_answered_through_the_form(
    ctx: ServiceContext, client: TestClient, app_clients: list[TestClient]
) -> None:
    anna = browser(ctx, app_clients)
    register(anna, "anna@example.org", "Анна Смирнова")
    appeal_id = submit(anna)
    url = f"/portal/appeals/{appeal_id}"
    assert "Ответить на вопрос" not in anna.get(url).text, "nothing was asked yet"

    ask(client, appeal_id)
    page = anna.get(url)
    assert page.status_code == 200
    assert "Ответить на вопрос" in page.text and QUESTION in page.text
    assert f'action="{url}/details"' in page.text
    # «Подать обращение» while the question waits is a new appeal: the portal answers only through the form.
    assert submit(anna) != appeal_id
    assert received(client, appeal_id) == 0 and "Ответить на вопрос" in anna.get(url).text

    # CSRF as on every portal form: without the page's token nothing is recorded.
    assert anna.post(f"{url}/details", data={"text": "дом 5"}).status_code == 403
    empty = anna.post(f"{url}/details", data={"csrf_token": csrf(page), "text": "   "})
    assert empty.status_code == 422 and "Напишите ответ на вопрос." in empty.text
    assert received(client, appeal_id) == 0

    done = anna.post(f"{url}/details", data={"csrf_token": csrf(page), "text": "дом 5, подъезд 2"})
    assert done.status_code == 200 and done.url.path == url
    assert "ответ передан исполнителю" in done.text
    assert "Ответить на вопрос" not in done.text, "nothing is waiting any more"
    assert received(client, appeal_id) == 1
    # The same form posted again (a double click, the back button): a conflict shown on the page, nothing moves.
    twice = anna.post(f"{url}/details", data={"csrf_token": csrf(page), "text": "дом 5, подъезд 2"})
    assert twice.status_code == 409 and received(client, appeal_id) == 1


def test_another_citizen_cannot_answer(ctx: ServiceContext, client: TestClient, app_clients: list[TestClient]) -> None:
    anna, boris = browser(ctx, app_clients), browser(ctx, app_clients)
    register(anna, "anna@example.org", "Анна Смирнова")
    appeal_id = submit(anna)
    ask(client, appeal_id)
    register(boris, "boris@example.org", "Борис Петров")
    token = csrf(boris.get("/portal/appeals"))
    foreign = boris.post(f"/portal/appeals/{appeal_id}/details", data={"csrf_token": token, "text": "дом 7"})
    assert foreign.status_code == 404 and QUESTION not in foreign.text
    assert received(client, appeal_id) == 0
    assert "Ответить на вопрос" in anna.get(f"/portal/appeals/{appeal_id}").text
