"""The workplace's screens through a browser's eyes (TestClient, cookie session, CSRF forms): who sees which
screen, scope (a district's queue, a foreign body's card → the 404 page), CSRF refusals, and that each form
leaves the same event as the API with the signed-in person as actor. Expectations come from roles.md."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.domain.access import SYSTEM
from otklik.domain.appeal import Appeal
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.status import AppealStatus
from otklik.services.appeals import Correction, TransitionRequest, change_status, correct, get_detail
from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import scan_deadlines
from otklik.web.app import create_app
from otklik.web.ui.views import deadline_of
from staff_support import GALICH, GALICH_ADMIN, PASSWORD, SEATS, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
GALICH_TEXT = "Не вывозят мусор во дворе дома на улице Луначарского в Галиче уже две недели"
NAMES = {seat.login: seat.name for seat in SEATS}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
Browser = TypeVar("Browser", bound=httpx.Client)  # TestClient in-process, httpx.Client against the live server


def actor_of(login: str) -> str:
    """How roles.md's «the signed-in person» appears in history: the name with the login."""
    return f"{NAMES[login]} ({login})"


def sign_in(app_client: Browser, login: str) -> Browser:
    form = app_client.get("/ui/login")
    assert form.status_code == 200
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found is not None
    response = app_client.post(
        "/ui/login",
        data={"username": login, "password": PASSWORD, "login_csrf": found.group(1), "next": "/ui/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return app_client


@pytest.fixture
def browser(ctx: ServiceContext, staff_team: StaffTeam) -> Iterator[Callable[[str], TestClient]]:
    """A browser per person, signed in through the sign-in form."""
    staff_team.token("admin")  # creates every account
    opened: list[TestClient] = []

    def open_as(login: str) -> TestClient:
        test_client = TestClient(create_app(ctx), raise_server_exceptions=False)
        test_client.__enter__()
        opened.append(test_client)
        return sign_in(test_client, login)

    yield open_as
    for test_client in opened:
        test_client.__exit__(None, None, None)


def csrf_of(browser_client: TestClient, url: str) -> str:
    page = browser_client.get(url)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found is not None, "every page of a signed-in person carries the CSRF token"
    return found.group(1)


def submit(client: TestClient, text: str) -> int:
    response = client.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Пётр Заявителев"}})
    assert response.status_code == 201, response.text
    appeal_id: int = response.json()["id"]
    return appeal_id


def in_moderation(ctx: ServiceContext, client: TestClient, text: str, municipality: str) -> int:
    """An appeal of the given municipality waiting for a moderator, whatever the engine decided."""
    appeal_id = submit(client, text)
    appeal = get_detail(ctx, SYSTEM, appeal_id).appeal
    if appeal.municipality_id != municipality:
        correct(ctx, SYSTEM, appeal_id, Correction(municipality_id=municipality, reason="подготовка теста"))
    if appeal.status_enum is not AppealStatus.NEEDS_MODERATION:
        change_status(ctx, SYSTEM, appeal_id, TransitionRequest(AppealStatus.NEEDS_MODERATION, reason="тест"))
    return appeal_id


def assigned_to(ctx: ServiceContext, client: TestClient, agency_id: str) -> int:
    appeal_id = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    change_status(ctx, SYSTEM, appeal_id, TransitionRequest(AppealStatus.ASSIGNED, agency_id=agency_id))
    return appeal_id


def history(ctx: ServiceContext, appeal_id: int) -> list[AppealEvent]:
    return get_detail(ctx, SYSTEM, appeal_id).history


def last_change(ctx: ServiceContext, appeal_id: int) -> AppealEvent:
    """The latest status change (notices queued after it are the system's)."""
    return [e for e in history(ctx, appeal_id) if e.type == EventType.STATUS_CHANGED][-1]


def status_of(ctx: ServiceContext, appeal_id: int) -> str:
    return get_detail(ctx, SYSTEM, appeal_id).appeal.status


# --- who sees which screen ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("login", "home"),
    [
        ("regmod", "/ui/moderation"),
        ("sharya.mod", "/ui/moderation"),
        ("sharya.exec", "/ui/agency"),
        ("sharya.head", "/ui/agency"),
        ("analyst", "/ui/overview"),
        ("admin", "/ui/overview"),
    ],
)
def test_home_leads_each_role_to_its_work(browser: Callable[[str], TestClient], login: str, home: str) -> None:
    response = browser(login).get("/ui/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == home
    assert browser(login).get(home).status_code == 200


@pytest.mark.parametrize(
    ("url", "allowed", "refused"),
    [
        ("/ui/moderation", ["admin", "regmod", "sharya.mod"], ["sharya.exec", "sharya.head", "analyst"]),
        ("/ui/moderation?tab=not_appeals", ["regmod", "sharya.mod"], ["analyst"]),
        ("/ui/review", ["admin", "regmod", "sharya.mod"], ["sharya.exec", "analyst"]),
        ("/ui/agency", ["sharya.exec", "sharya.head"], []),
        ("/ui/overview", ["admin", "regmod", "sharya.mod", "sharya.exec", "sharya.head", "analyst"], []),
    ],
)
def test_each_screen_renders_for_the_roles_that_may_see_it(
    ctx: ServiceContext,
    client: TestClient,
    browser: Callable[[str], TestClient],
    url: str,
    allowed: list[str],
    refused: list[str],
) -> None:
    in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    for login in allowed:
        page = browser(login).get(url)
        assert page.status_code == 200, (login, page.text)
        assert "<h1>" in page.text and 'aria-live="polite"' in page.text
    for login in refused:
        page = browser(login).get(url)
        assert page.status_code == 403, login
        assert "Нет прав" in page.text and page.headers["content-type"].startswith("text/html")


def test_signed_out_person_is_sent_to_the_sign_in_form(anonymous_client: TestClient) -> None:
    response = anonymous_client.get("/ui/moderation", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/ui/login?next=/ui/moderation")


# --- scope ---------------------------------------------------------------------------------------------------
def test_district_moderator_queue_lists_only_their_municipality(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    sharya = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    galich = in_moderation(ctx, client, GALICH_TEXT, GALICH)
    district = browser("sharya.mod").get("/ui/moderation").text
    assert f'data-testid="queue-item-{sharya}"' in district
    assert f'data-testid="queue-item-{galich}"' not in district
    region = browser("regmod").get("/ui/moderation").text
    assert f'data-testid="queue-item-{sharya}"' in region and f'data-testid="queue-item-{galich}"' in region


def test_foreign_executor_gets_the_not_found_page_for_another_bodys_card(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    own = browser("sharya.exec").get(f"/ui/appeals/{appeal_id}")
    assert own.status_code == 200 and 'data-testid="history"' in own.text
    foreign = browser("galich.exec").get(f"/ui/appeals/{appeal_id}")
    assert foreign.status_code == 404
    assert "Обращение не найдено" in foreign.text
    assert SHARYA_TEXT[:20] not in foreign.text
    missing = browser("galich.exec").get("/ui/appeals/987654")
    assert missing.status_code == 404 and "Обращение не найдено" in missing.text, "same page as for no appeal"


def test_the_api_keeps_problem_json_while_ui_pages_get_html(client: TestClient) -> None:
    response = client.get("/api/v1/appeals/987654")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


def test_district_moderator_assigns_only_to_the_district_s_and_regional_bodies(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    moderator = browser("sharya.mod")
    page = moderator.get("/ui/moderation").text
    select = re.search(rf'data-testid="assign-agency-{appeal_id}">(.*?)</select>', page, re.S)
    assert select is not None
    offered = set(re.findall(r'<option value="([^"]+)"', select.group(1)))
    assert SHARYA_ADMIN in offered and GALICH_ADMIN not in offered
    regional = {a.id for a in ctx.reference.agencies if a.active and a.municipality_id is None}
    assert regional <= offered, "roles.md: the regional bodies too"
    token = csrf_of(moderator, "/ui/moderation")
    refused = moderator.post(
        f"/ui/moderation/{appeal_id}/assign", data={"csrf_token": token, "agency_id": GALICH_ADMIN}
    )
    assert refused.status_code == 403, "a forged option is refused by the service"
    assert status_of(ctx, appeal_id) == AppealStatus.NEEDS_MODERATION


# --- CSRF ----------------------------------------------------------------------------------------------------
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    events_before = len(history(ctx, appeal_id))
    moderator = browser("regmod")
    for path, form in (
        (f"/ui/moderation/{appeal_id}/accept", {}),
        (f"/ui/moderation/{appeal_id}/reject", {"reject_reason": "spam"}),
        (f"/ui/appeals/{appeal_id}/contacts", {}),
    ):
        response = moderator.post(path, data=form, follow_redirects=False)
        assert response.status_code == 403, path
        assert "CSRF" in response.text
    wrong = moderator.post(f"/ui/moderation/{appeal_id}/accept", data={"csrf_token": "forged"}, follow_redirects=False)
    assert wrong.status_code == 403
    assert status_of(ctx, appeal_id) == AppealStatus.NEEDS_MODERATION
    assert len(history(ctx, appeal_id)) == events_before


# --- actions leave the signed-in person as actor ---------------------------------------------------------------
def test_correcting_the_topic_through_the_form_leaves_a_corrected_event_by_the_person(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    current = get_detail(ctx, SYSTEM, appeal_id).appeal
    group = next(g for g in ctx.reference.rubricator.groups if g.active and g.name != current.group)
    topic = next(t for t in group.topics if t.active)
    moderator = browser("sharya.mod")
    token = csrf_of(moderator, "/ui/moderation")
    response = moderator.post(
        f"/ui/moderation/{appeal_id}/correct",
        data={"csrf_token": token, "topic": f"{group.name}::{topic.name}", "reason": "не та тема"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/ui/moderation"
    corrected = [e for e in history(ctx, appeal_id) if e.type == EventType.CORRECTED]
    assert len(corrected) == 1
    assert corrected[0].actor == actor_of("sharya.mod")
    assert corrected[0].data["after"]["topic"] == topic.name
    shown = moderator.get("/ui/moderation")
    assert "исправлен" in shown.text, "the flash message of the action is shown once"
    assert "исправлен" not in moderator.get("/ui/moderation").text


def test_accepting_from_the_queue_assigns_with_the_moderator_as_actor(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    proposed = get_detail(ctx, SYSTEM, appeal_id).appeal.agency_id
    assert proposed is not None, "the engine proposes a body for a pothole in Шарья"
    moderator = browser("regmod")
    page = moderator.get("/ui/moderation")
    assert f'data-testid="accept-{appeal_id}"' in page.text
    token = CSRF.search(page.text)
    assert token is not None
    response = moderator.post(
        f"/ui/moderation/{appeal_id}/accept", data={"csrf_token": token.group(1)}, follow_redirects=False
    )
    assert response.status_code == 303
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert detail.appeal.status == AppealStatus.ASSIGNED and detail.appeal.agency_id == proposed
    assert last_change(ctx, appeal_id).actor == actor_of("regmod")
    assert f'data-testid="queue-item-{appeal_id}"' not in moderator.get("/ui/moderation").text


def test_bulk_reject_rejects_every_ticked_appeal(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    first = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    second = in_moderation(ctx, client, SHARYA_TEXT + " и тротуар", SHARYA)
    moderator = browser("sharya.mod")
    token = csrf_of(moderator, "/ui/moderation")
    response = moderator.post(
        "/ui/moderation/bulk",
        data={"csrf_token": token, "action": "reject", "reject_reason": "spam", "ids": [str(first), str(second)]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    for appeal_id in (first, second):
        detail = get_detail(ctx, SYSTEM, appeal_id)
        assert detail.appeal.status == AppealStatus.REJECTED and detail.appeal.reject_reason == "spam"
        assert last_change(ctx, appeal_id).actor == actor_of("sharya.mod")


def test_contacts_button_shows_them_and_leaves_a_personal_data_event(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    executor = browser("sharya.exec")
    card = executor.get(f"/ui/appeals/{appeal_id}").text
    assert 'data-testid="show-contacts"' in card and "Пётр Заявителев" not in card, "masked until asked"
    token = CSRF.search(card)
    assert token is not None
    shown = executor.post(f"/ui/appeals/{appeal_id}/contacts", data={"csrf_token": token.group(1)})
    assert shown.status_code == 200 and "Пётр Заявителев" in shown.text
    viewed = [e for e in history(ctx, appeal_id) if e.type == EventType.PERSONAL_DATA_VIEWED]
    assert [e.actor for e in viewed] == [actor_of("sharya.exec")]


def test_analyst_sees_no_contacts_button_and_is_refused_on_the_post(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = in_moderation(ctx, client, SHARYA_TEXT, SHARYA)
    analyst = browser("analyst")
    card = analyst.get(f"/ui/appeals/{appeal_id}")
    assert card.status_code == 200
    assert 'data-testid="show-contacts"' not in card.text
    assert f'data-testid="accept-{appeal_id}"' not in card.text, "read-only: no actions for the analyst"
    token = CSRF.search(card.text)
    assert token is not None
    refused = analyst.post(f"/ui/appeals/{appeal_id}/contacts", data={"csrf_token": token.group(1)})
    assert refused.status_code == 403 and "аналитик" in refused.text
    assert "Пётр Заявителев" not in refused.text
    assert not [e for e in history(ctx, appeal_id) if e.type == EventType.PERSONAL_DATA_VIEWED]


def test_card_history_is_in_russian(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    card = browser("regmod").get(f"/ui/appeals/{appeal_id}").text
    assert "обращение зарегистрировано" in card
    assert "статус: на модерации → назначено" in card


# --- the body's work and the answer review ------------------------------------------------------------------
def test_executor_takes_answers_and_the_moderator_approves_the_flagged_answer(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    executor = browser("sharya.exec")
    listing = executor.get("/ui/agency").text
    assert f'data-testid="agency-item-{appeal_id}"' in listing and 'data-testid="deadline"' in listing
    token = csrf_of(executor, "/ui/agency")
    taken = executor.post(f"/ui/agency/{appeal_id}/take", data={"csrf_token": token}, follow_redirects=False)
    assert taken.status_code == 303
    assert status_of(ctx, appeal_id) == AppealStatus.IN_PROGRESS
    # «направлено в компетентный орган» names no action taken: the checker flags it, so a moderator must read it.
    formal = "Ваше обращение направлено в компетентный орган."
    sent = executor.post(
        f"/ui/agency/{appeal_id}/final", data={"csrf_token": token, "text": formal}, follow_redirects=False
    )
    assert sent.status_code == 303
    assert status_of(ctx, appeal_id) == AppealStatus.IN_PROGRESS, "nothing reaches the citizen before review"
    submitted = [e for e in history(ctx, appeal_id) if e.type == EventType.ANSWER_SUBMITTED]
    assert [e.actor for e in submitted] == [actor_of("sharya.exec")]
    assert f'data-testid="draft-status-{appeal_id}"' in executor.get("/ui/agency").text

    moderator = browser("regmod")
    queue = moderator.get("/ui/review").text
    found = re.search(r'data-testid="approve-(\d+)"', queue)
    assert found is not None and formal in queue
    draft_id = found.group(1)
    assert f'data-testid="flags-{draft_id}"' in queue
    better = "Яма на улице Советской заделана 3 декабря бригадой администрации городского округа город Шарья."
    token = csrf_of(moderator, "/ui/review")
    approved = moderator.post(
        f"/ui/review/{draft_id}/approve", data={"csrf_token": token, "text": better}, follow_redirects=False
    )
    assert approved.status_code == 303
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert detail.appeal.status == AppealStatus.RESOLVED
    assert [r.text for r in detail.replies if r.kind == "final"] == [better]
    assert [e.actor for e in detail.history if e.type == EventType.ANSWER_APPROVED] == [actor_of("regmod")]


def test_a_returned_answer_shows_the_moderator_s_comment_to_the_executor(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    executor = browser("sharya.exec")
    token = csrf_of(executor, "/ui/agency")
    executor.post(f"/ui/agency/{appeal_id}/take", data={"csrf_token": token})
    executor.post(f"/ui/agency/{appeal_id}/final", data={"csrf_token": token, "text": "Направлено по компетенции."})
    assert 'id="final-answer-' not in executor.get("/ui/agency").text, "one answer at a time while it is reviewed"
    moderator = browser("sharya.mod")
    queue = moderator.get("/ui/review").text
    found = re.search(r'data-testid="return-(\d+)"', queue)
    assert found is not None
    comment = "Напишите, что сделано, кем и когда"
    returned = moderator.post(
        f"/ui/review/{found.group(1)}/return",
        data={"csrf_token": csrf_of(moderator, "/ui/review"), "comment": comment},
        follow_redirects=False,
    )
    assert returned.status_code == 303
    page = executor.get("/ui/agency").text
    assert f'data-testid="return-comment-{appeal_id}"' in page and comment in page
    assert f'id="final-answer-{appeal_id}"' in page, "the executor writes again"
    events = [e for e in history(ctx, appeal_id) if e.type == EventType.ANSWER_RETURNED]
    assert [(e.actor, e.reason) for e in events] == [(actor_of("sharya.mod"), comment)]


def test_executor_redirect_goes_back_to_moderation_with_the_justification(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    executor = browser("sharya.exec")
    token = csrf_of(executor, "/ui/agency")
    target = next(a.id for a in ctx.reference.agencies if a.active and a.id != SHARYA_ADMIN)
    response = executor.post(
        f"/ui/agency/{appeal_id}/redirect",
        data={"csrf_token": token, "agency_id": target, "reason": "дорога региональная", "back": "/ui/agency"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert detail.appeal.status == AppealStatus.NEEDS_MODERATION
    change = last_change(ctx, appeal_id)
    assert change.actor == actor_of("sharya.exec") and change.reason == "дорога региональная"
    queue = browser("regmod").get("/ui/moderation").text
    assert f'data-testid="redirect-request-{appeal_id}"' in queue and "дорога региональная" in queue


def test_head_sees_the_backlog_and_approves_an_extension(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    before = get_detail(ctx, SYSTEM, appeal_id).appeal.due_at
    executor = browser("sharya.exec")
    token = csrf_of(executor, "/ui/agency")
    asked = executor.post(
        f"/ui/agency/{appeal_id}/extension",
        data={"csrf_token": token, "days": "10", "reason": "нужна экспертиза дорожного покрытия"},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    head = browser("sharya.head")
    page = head.get("/ui/agency").text
    assert 'data-testid="backlog"' in page and 'data-testid="load-sharya.exec"' in page
    found = re.search(r'data-testid="approve-extension-(\d+)"', page)
    assert found is not None
    token = csrf_of(head, "/ui/agency")
    decided = head.post(
        f"/ui/agency/extensions/{found.group(1)}/decide",
        data={"csrf_token": token, "decision": "approve"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert before is not None and detail.appeal.due_at is not None and detail.appeal.due_at > before
    assert [e.actor for e in detail.history if e.type == EventType.EXTENSION_APPROVED] == [actor_of("sharya.head")]


# --- the live queue ------------------------------------------------------------------------------------------
def _stream_until(base_url: str, login: str, ready: threading.Event, municipality: str) -> list[dict[str, Any]]:
    """Data events of the UI stream (cookie session) up to the first about `municipality`."""
    events: list[dict[str, Any]] = []
    with httpx.Client(base_url=base_url, timeout=httpx.Timeout(10.0)) as http:
        sign_in(http, login)
        with http.stream("GET", "/ui/moderation/stream") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                if line.startswith("retry:"):
                    ready.set()
                elif line.startswith("data: "):
                    events.append(json.loads(line.removeprefix("data: ")))
                    if events[-1]["municipality_id"] == municipality:
                        break
    return events


def test_the_ui_stream_brings_new_appeals_of_the_moderator_s_district_only(
    live_server: str, client: TestClient, staff_team: StaffTeam
) -> None:
    staff_team.token("admin")
    ready = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(_stream_until, live_server, "sharya.mod", ready, SHARYA)
        assert ready.wait(10), "the stream did not open"
        submit(client, "Не горят фонари во дворе на улице Советской в Галиче")
        sharya = submit(client, SHARYA_TEXT)
        events = seen.result(timeout=15)
    assert [e["appeal_id"] for e in events] == [sharya], "the Галич appeal never reaches Шарья's moderator"


def test_the_ui_stream_needs_a_session(anonymous_client: TestClient) -> None:
    response = anonymous_client.get("/ui/moderation/stream", follow_redirects=False)
    assert response.status_code == 303 and "/ui/login" in response.headers["location"]


# --- deadline colours (the brief: >50 % normal, 20–50 % amber, <20 % red, overdue) --------------------------
@pytest.mark.parametrize(
    ("hours_gone", "level", "words"),
    [(10, "ok", "в срок"), (60, "warn", "срок близко"), (85, "bad", "срок истекает"), (101, "over", "просрочено")],
)
def test_deadline_level_follows_the_share_of_time_left(hours_gone: int, level: str, words: str) -> None:
    created = datetime(2026, 12, 1, 9, tzinfo=UTC)
    appeal = Appeal("44-2026-000001", "message", "in_progress", "portal", 1, "т", "т", created, id=1)
    appeal.due_at = created + timedelta(hours=100)
    view = deadline_of(appeal, created + timedelta(hours=hours_gone))
    assert (view.level, view.level_text) == (level, words)
    assert view.left_text.startswith("просрочено на" if level == "over" else "осталось")


# --- «Не обращения» ------------------------------------------------------------------------------------------
def test_a_message_judged_not_an_appeal_is_promoted_from_its_tab(
    ctx: ServiceContext, client: TestClient, staff_team: StaffTeam, browser: Callable[[str], TestClient]
) -> None:
    chatter = "ахаха ну вы даёте))"
    body = {
        "channel": "vk",
        "external_id": "wall-1_9_9",
        "text": chatter,
        "author": {"name": "Олег", "id": "777"},
        "created_at": ctx.clock.now().isoformat(),
    }
    posted = client.post("/api/v1/messages", json=body, headers=staff_team.gateway)
    assert posted.status_code == 202 and posted.json()["decision"] == "not_an_appeal", posted.text
    message_id = posted.json()["message_id"]
    moderator = browser("regmod")
    tab = moderator.get("/ui/moderation?tab=not_appeals").text
    assert f'data-testid="promote-{message_id}"' in tab and chatter in tab
    token = csrf_of(moderator, "/ui/moderation?tab=not_appeals")
    response = moderator.post(
        f"/ui/moderation/messages/{message_id}/promote",
        data={"csrf_token": token, "reason": "это жалоба"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    queue = moderator.get("/ui/moderation").text
    found = re.search(r'data-testid="queue-item-(\d+)"', queue)
    assert found is not None and chatter in queue
    promoted = [e for e in history(ctx, int(found.group(1))) if e.type == EventType.PROMOTED]
    assert [e.actor for e in promoted] == [actor_of("regmod")]
    assert f'data-testid="promote-{message_id}"' not in moderator.get("/ui/moderation?tab=not_appeals").text


def test_the_body_sees_its_deadline_reminders_and_another_body_none(
    ctx: ServiceContext, client: TestClient, browser: Callable[[str], TestClient]
) -> None:
    appeal_id = assigned_to(ctx, client, SHARYA_ADMIN)
    appeal = get_detail(ctx, SYSTEM, appeal_id).appeal
    assert appeal.due_at is not None
    ctx.clock = FrozenClock(appeal.due_at + timedelta(minutes=1))
    assert scan_deadlines(ctx) == 1
    own = browser("sharya.exec").get("/ui/agency")
    assert own.status_code == 200
    section = own.text.split('data-testid="reminders"', 1)
    assert len(section) == 2 and appeal.number in section[1] and "просрочено" in section[1]
    foreign = browser("galich.exec").get("/ui/agency")
    assert foreign.status_code == 200 and 'data-testid="reminders"' not in foreign.text
