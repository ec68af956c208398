"""Telegram fixtures: the local Bot API server, settings pointing at it, and the app with those settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from otklik.channels.telegram.routes import telegram_settings
from otklik.channels.telegram.sender import TelegramSender
from otklik.channels.telegram.settings import TelegramSettings

from ..loopback import serve
from .fake_bot_api import TOKEN, FakeBotApi

WEBHOOK_SECRET = "wh-secret_0123456789"
URL = "/channels/telegram/webhook"


@pytest.fixture
def fake_api() -> Iterator[tuple[FakeBotApi, str]]:
    fake = FakeBotApi()
    with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
def api(fake_api: tuple[FakeBotApi, str]) -> FakeBotApi:
    return fake_api[0]


@pytest.fixture
def settings(fake_api: tuple[FakeBotApi, str]) -> TelegramSettings:
    return TelegramSettings(
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        webhook_secret=SecretStr(WEBHOOK_SECRET),
        api_base_url=fake_api[1],
        timeout_seconds=5,
    )


@pytest.fixture
def tg_client(client: TestClient, settings: TelegramSettings) -> TestClient:
    client.app.dependency_overrides[telegram_settings] = lambda: settings  # type: ignore[attr-defined]
    return client


def post_update(client: TestClient, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post(URL, json=update, headers=headers).status_code


@pytest.fixture
def sender(settings: TelegramSettings) -> Iterator[TelegramSender]:
    made = TelegramSender(settings)
    yield made
    made.close()
