"""Portal accounts: registration, login by e-mail or phone, bad passwords, sessions, logout, 152-ФЗ consent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from portal_support import PASSWORD, PORTAL, POTHOLE, login, register

from otklik.clock import FrozenClock
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db


def test_register_login_me_logout(client: TestClient) -> None:
    account = register(client, "Anna@Example.org")
    assert account["email"] == "anna@example.org" and account["consent_needed"] is False
    assert "password" not in str(account) and PASSWORD not in str(account)
    headers = login(client, "anna@example.org")
    me = client.get(f"{PORTAL}/me", headers=headers)
    assert me.status_code == 200 and me.json()["id"] == account["id"]
    assert client.post(f"{PORTAL}/logout", headers=headers).status_code == 204
    after = client.get(f"{PORTAL}/me", headers=headers)
    assert after.status_code == 401 and after.headers["content-type"].startswith("application/problem+json")


def test_login_by_phone_in_any_spelling(client: TestClient) -> None:
    account = register(client, "8 (910) 123-45-67")
    assert account["phone"] == "+79101234567"
    headers = login(client, "+7 910 123 45 67")
    assert client.get(f"{PORTAL}/me", headers=headers).json()["phone"] == "+79101234567"


def test_wrong_password_and_unknown_login_look_the_same(client: TestClient) -> None:
    register(client, "anna@example.org")
    wrong = client.post(f"{PORTAL}/login", json={"login": "anna@example.org", "password": "Неверный-1"})
    unknown = client.post(f"{PORTAL}/login", json={"login": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("Кот-1", "короче"), ("1234567890", "простой"), ("password", "простой"), ("anna@example.org", "e-mail")],
)
def test_bad_passwords_are_refused(client: TestClient, password: str, fragment: str) -> None:
    response = client.post(
        f"{PORTAL}/register", json={"name": "Анна", "email": "anna@example.org", "password": password}
    )
    assert response.status_code == 422 and fragment in response.json()["detail"]


def test_registration_needs_a_login_and_a_unique_one(client: TestClient) -> None:
    no_login = client.post(f"{PORTAL}/register", json={"name": "Анна", "password": PASSWORD})
    assert no_login.status_code == 422 and "e-mail или телефон" in no_login.json()["detail"]
    bad_email = client.post(f"{PORTAL}/register", json={"name": "Анна", "email": "anna@", "password": PASSWORD})
    assert bad_email.status_code == 422
    register(client, "anna@example.org")
    again = client.post(
        f"{PORTAL}/register", json={"name": "Другая", "email": "ANNA@example.org", "password": PASSWORD}
    )
    assert again.status_code == 409


def test_no_token_or_a_garbage_token_is_401(client: TestClient) -> None:
    assert client.get(f"{PORTAL}/me").status_code == 401
    assert client.get(f"{PORTAL}/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get(f"{PORTAL}/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_token_expires(client: TestClient, ctx: ServiceContext) -> None:
    ctx.clock = FrozenClock(ctx.clock.now())
    register(client, "anna@example.org")
    headers = login(client, "anna@example.org")
    assert client.get(f"{PORTAL}/me", headers=headers).status_code == 200
    ctx.clock.advance(days=8)  # the default lifetime is 7 days
    assert client.get(f"{PORTAL}/me", headers=headers).status_code == 401


def test_submitting_needs_consent_then_works(client: TestClient) -> None:
    register(client, "anna@example.org", consent=False)
    headers = login(client, "anna@example.org")
    assert client.get(f"{PORTAL}/me", headers=headers).json()["consent_needed"] is True
    refused = client.post(f"{PORTAL}/appeals", json=POTHOLE, headers=headers)
    assert refused.status_code == 403 and "152-ФЗ" in refused.json()["detail"]
    text = client.get(f"{PORTAL}/consent").json()
    assert "152-ФЗ" in text["text"]
    given = client.post(f"{PORTAL}/consent", json={"agree": True, "version": text["version"]}, headers=headers)
    assert given.status_code == 200 and given.json()["consent_needed"] is False
    assert client.post(f"{PORTAL}/appeals", json=POTHOLE, headers=headers).status_code == 201


def test_a_new_consent_text_asks_for_consent_again(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from otklik.channels.portal.settings import load_portal_settings

    register(client, "anna@example.org")
    headers = login(client, "anna@example.org")
    monkeypatch.setenv("OTKLIK_PORTAL_CONSENT_VERSION", "2027-01-01")
    load_portal_settings.cache_clear()
    refused = client.post(f"{PORTAL}/appeals", json=POTHOLE, headers=headers)
    assert refused.status_code == 403 and "2027-01-01" in refused.json()["detail"]
    wrong_version = client.post(f"{PORTAL}/consent", json={"agree": True, "version": "2026-11-01"}, headers=headers)
    assert wrong_version.status_code == 422
    assert client.post(f"{PORTAL}/consent", json={"agree": False}, headers=headers).status_code == 422
    assert client.post(f"{PORTAL}/consent", json={"agree": True}, headers=headers).status_code == 200
    assert client.post(f"{PORTAL}/appeals", json=POTHOLE, headers=headers).status_code == 201
