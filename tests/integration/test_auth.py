"""Identity on a real database: bearer tokens, throttling, expiry, logout, password change, integration tokens
and staff accounts made with the real CLI, closed-by-default write keys, and the UI's cookie session with CSRF."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import httpx2 as httpx  # what TestClient returns (decisions.md 19)
import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.services.bearer_cache import BEARER_CACHE_SECONDS, BearerCache
from otklik.services.context import ServiceContext
from otklik.settings import Settings
from otklik.web.app import create_app
from staff_support import PASSWORD, SHARYA, StaffTeam

pytestmark = pytest.mark.db

TOKEN_URL = "/api/v1/auth/token"
NEW_PASSWORD = "Новый-пароль-Шарья-2026"


def sign_in(http: TestClient, login: str, password: str = PASSWORD) -> httpx.Response:
    return http.post(TOKEN_URL, data={"username": login, "password": password})


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def me(http: TestClient, headers: dict[str, str]) -> httpx.Response:
    return http.get("/api/v1/auth/me", headers=headers)


def register(http: TestClient, text: str) -> dict[str, Any]:
    response = http.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Иван Петров"}})
    assert response.status_code == 201, response.text
    card: dict[str, Any] = response.json()
    return card


# --- bearer tokens --------------------------------------------------------------------------------------------
def test_password_grant_gives_a_bearer_token_that_says_who_i_am(
    anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    staff_team.headers("admin")  # the accounts exist
    response = sign_in(anonymous_client, "sharya.mod")
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 60 * 60, "decisions.md 27: 60 minutes"
    who = me(anonymous_client, bearer(response))
    assert who.status_code == 200, who.text
    assert (who.json()["login"], who.json()["role"], who.json()["municipality_id"]) == (
        "sharya.mod",
        "district_moderator",
        SHARYA,
    )


def test_unknown_login_and_wrong_password_get_the_same_vague_401(
    anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    staff_team.headers("admin")
    wrong = sign_in(anonymous_client, "sharya.mod", "не-тот-пароль-2026")
    unknown = sign_in(anonymous_client, "nobody.here", "не-тот-пароль-2026")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["detail"] == unknown.json()["detail"], "the answer must not tell which logins exist"
    assert "nobody.here" not in unknown.text and "sharya.mod" not in wrong.text


def test_five_failures_lock_the_login_even_for_the_right_password_but_not_others(
    anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    staff_team.headers("admin")
    for _ in range(5):
        assert sign_in(anonymous_client, "sharya.mod", "угадываю-пароль-1").status_code == 401
    locked = sign_in(anonymous_client, "sharya.mod")
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.headers["content-type"].startswith("application/problem+json") and locked.json()["detail"]
    assert sign_in(anonymous_client, "galich.mod").status_code == 200, "another login is not locked out"


def test_an_expired_token_is_401(ctx: ServiceContext, anonymous_client: TestClient, staff_team: StaffTeam) -> None:
    staff_team.headers("admin")
    clock = FrozenClock(datetime.now(UTC))
    ctx.clock = clock
    response = sign_in(anonymous_client, "sharya.exec")
    headers = bearer(response)
    clock.advance(seconds=response.json()["expires_in"] - 60)
    assert me(anonymous_client, headers).status_code == 200, "still valid a minute before expiry"
    clock.advance(seconds=120)
    expired = me(anonymous_client, headers)
    assert expired.status_code == 401 and expired.headers["content-type"].startswith("application/problem+json")
    assert anonymous_client.get("/api/v1/appeals", headers=headers).status_code == 401


def test_logout_revokes_the_token(anonymous_client: TestClient, staff_team: StaffTeam) -> None:
    staff_team.headers("admin")
    headers = bearer(sign_in(anonymous_client, "analyst"))
    assert anonymous_client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert me(anonymous_client, headers).status_code == 401
    assert anonymous_client.post("/api/v1/auth/logout").status_code == 401


def test_password_change_ends_the_other_sessions_but_not_this_one(
    anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    staff_team.headers("admin")
    here = bearer(sign_in(anonymous_client, "sharya.head"))
    elsewhere = bearer(sign_in(anonymous_client, "sharya.head"))
    weak = anonymous_client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "12345678"}, headers=here
    )
    assert weak.status_code == 422 and weak.json()["detail"], weak.text
    assert me(anonymous_client, elsewhere).status_code == 200, "a refused change ends nothing"
    changed = anonymous_client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=here
    )
    assert changed.status_code == 204, changed.text
    assert me(anonymous_client, here).status_code == 200
    assert me(anonymous_client, elsewhere).status_code == 401
    assert sign_in(anonymous_client, "sharya.head").status_code == 401, "the old password no longer works"
    assert sign_in(anonymous_client, "sharya.head", NEW_PASSWORD).status_code == 200


# --- the CLI: integration tokens and staff accounts --------------------------------------------------------------
def otklik(base_settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real console command against the test database (bcrypt cost 4 as in the fixtures)."""
    env = {
        **os.environ,
        "OTKLIK_DATABASE_URL": base_settings.database_url,
        "OTKLIK_MODEL_DIR": str(base_settings.model_dir),
        "OTKLIK_PASSWORD_ROUNDS": str(base_settings.password_rounds),
    }
    return subprocess.run(
        [sys.executable, "-m", "otklik.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def message(channel: str, external_id: str) -> dict[str, Any]:
    return {
        "channel": channel,
        "external_id": external_id,
        "text": "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса",
        "author": {"name": "Иван Петров", "id": "id-17", "email": "ivan@example.org"},
        "created_at": datetime.now(UTC).isoformat(),
    }


def test_a_channel_token_posts_its_channel_only_until_revoked(
    ctx: ServiceContext, base_settings: Settings, anonymous_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    timer = [1000.0]  # the bearer cache's clock, moved instead of waited for
    monkeypatch.setattr(ctx, "bearer_cache", BearerCache(timer=lambda: timer[0]))
    created = otklik(base_settings, "tokens", "create", "--name", "vk-gateway", "--scopes", "messages:vk")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    posted = anonymous_client.post("/api/v1/messages", json=message("vk", "vk-1"), headers=headers)
    assert posted.status_code == 202, posted.text
    other = anonymous_client.post("/api/v1/messages", json=message("email", "mail-1"), headers=headers)
    assert other.status_code == 403 and "email" in other.json()["detail"], other.text
    assert anonymous_client.get("/api/v1/appeals", headers=headers).status_code == 403, "a token reads nothing"
    revoked = otklik(base_settings, "tokens", "revoke", "vk-gateway")
    assert revoked.returncode == 0, revoked.stderr
    # Revoked in another process: this one has the token in its memory for at most BEARER_CACHE_SECONDS.
    timer[0] += BEARER_CACHE_SECONDS
    after = anonymous_client.post("/api/v1/messages", json=message("vk", "vk-2"), headers=headers)
    assert after.status_code == 401, after.text


def test_a_district_moderator_added_by_the_cli_sees_only_the_district(
    base_settings: Settings, client: TestClient, anonymous_client: TestClient
) -> None:
    sharya = register(client, "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса")
    galich = register(client, "Не горят фонари во дворе на улице Советской в Галиче, темно")
    password = "Иванова-Шарья-2026-пароль"
    added = otklik(
        base_settings,
        *("users", "add", "ivanova", "--role", "district_moderator", "--municipality", "Шарья"),
        *("--name", "Иванова И. И.", "--password-stdin"),
        stdin=password + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert password not in added.stdout + added.stderr
    headers = bearer(sign_in(anonymous_client, "ivanova", password))
    listed = anonymous_client.get("/api/v1/appeals", headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [sharya["id"]] and listed["total"] == 1
    assert anonymous_client.get(f"/api/v1/appeals/{galich['id']}", headers=headers).status_code == 404
    assert me(anonymous_client, headers).json()["name"] == "Иванова И. И."


@pytest.mark.parametrize(
    ("option", "value"),
    [pytest.param("--role", "superuser", id="bad-role"), pytest.param("--municipality", "Атлантида", id="place")],
)
def test_the_cli_refuses_a_bad_account_and_names_the_problem(base_settings: Settings, option: str, value: str) -> None:
    options = {"--role": "district_moderator", "--municipality": "Шарья", option: value}
    args = [part for pair in options.items() for part in pair]
    refused = otklik(
        base_settings, "users", "add", "somebody", *args, "--password-stdin", stdin="Длинный-пароль-2026\n"
    )
    assert refused.returncode != 0
    assert value in refused.stdout + refused.stderr, refused.stderr


# --- write APIs are closed by default -------------------------------------------------------------------------
def without_keys(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctx, "settings", ctx.settings.model_copy(update={"api_key": None}))


def test_open311_post_is_refused_when_no_key_is_configured(
    ctx: ServiceContext, client: TestClient, anonymous_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_keys(ctx, monkeypatch)
    code = anonymous_client.get("/open311/v2/services.json").json()[0]["service_code"]
    form = {
        "service_code": code,
        "description": "Большая яма во дворе дома 5 на улице Советской в Костроме",
        "lat": "57.7677",
        "long": "40.9264",
    }
    for key in (None, "", "guess"):
        sent = form if key is None else {**form, "api_key": key}
        response = anonymous_client.post("/open311/v2/requests.json", data=sent)
        assert response.status_code == 403, response.text
    assert client.get("/api/v1/appeals").json()["total"] == 0


def test_the_hotline_is_refused_when_no_key_is_configured(
    ctx: ServiceContext, client: TestClient, anonymous_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_keys(ctx, monkeypatch)
    call = {"text": "Не горят фонари во дворе на улице Советской в Галиче", "call_time": "2026-11-28T09:15:00"}
    for headers in ({}, {"X-Api-Key": "guess"}, {"X-Api-Key": ""}):
        response = anonymous_client.post("/api/v1/channels/hotline/calls", json=call, headers=headers)
        assert response.status_code == 401, response.text
    assert client.get("/api/v1/appeals").json()["total"] == 0


# --- the workplace: cookie session and CSRF -------------------------------------------------------------------
def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"\s+value="([^"]+)"', page)
    assert found, f"no hidden field {name!r} in the page"
    return found.group(1)


def ui_sign_in(http: TestClient, login: str) -> httpx.Response:
    form = http.get("/ui/login")
    assert form.status_code == 200, form.text
    fields = {"username": login, "password": PASSWORD, "login_csrf": hidden(form.text, "login_csrf")}
    return http.post("/ui/login", data=fields, follow_redirects=False)


def test_ui_login_sets_an_httponly_lax_cookie_and_logout_needs_the_csrf_token(
    anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    staff_team.headers("admin")
    signed = ui_sign_in(anonymous_client, "sharya.mod")
    assert signed.status_code == 303, signed.text
    [cookie] = [c for c in signed.headers.get_list("set-cookie") if c.startswith("otklik_session=")]
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert "secure" not in attributes, "plain http (a dev machine): a Secure cookie would never come back"
    session = anonymous_client.cookies["otklik_session"]
    page = anonymous_client.get("/ui/account/password", follow_redirects=False)
    assert page.status_code == 200, "the cookie signs the person in"
    forged = anonymous_client.post("/ui/logout", follow_redirects=False)
    assert forged.status_code == 403, "a form without the session's csrf_token is refused"
    out = anonymous_client.post(
        "/ui/logout", data={"csrf_token": hidden(page.text, "csrf_token")}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"] == "/ui/login"
    anonymous_client.cookies.set("otklik_session", session)  # a stolen copy of the old cookie
    again = anonymous_client.get("/ui/account/password", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/ui/login")


def test_ui_login_without_the_login_csrf_field_is_refused(anonymous_client: TestClient, staff_team: StaffTeam) -> None:
    staff_team.headers("admin")
    anonymous_client.get("/ui/login")
    refused = anonymous_client.post(
        "/ui/login", data={"username": "sharya.mod", "password": PASSWORD}, follow_redirects=False
    )
    assert refused.status_code == 403 and "otklik_session" not in anonymous_client.cookies


def test_the_cookie_is_secure_behind_https(ctx: ServiceContext, staff_team: StaffTeam) -> None:
    staff_team.headers("admin")
    with TestClient(create_app(ctx), base_url="https://testserver") as http:
        signed = ui_sign_in(http, "sharya.mod")
    [cookie] = [c for c in signed.headers.get_list("set-cookie") if c.startswith("otklik_session=")]
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}
