"""Polling mode: aiogram's getUpdates loop against the local Bot API registers the citizen's message once."""

from __future__ import annotations

import asyncio

import pytest

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.channels.telegram.bot import build_dispatcher
from otklik.channels.telegram.polling import run_polling
from otklik.channels.telegram.settings import TelegramSettings
from otklik.channels.telegram.webhook_setup import set_webhook
from otklik.domain.access import SYSTEM
from otklik.services.appeals import list_appeals
from otklik.services.context import ServiceContext

from .fake_bot_api import FakeBotApi, message_update

pytestmark = pytest.mark.db
POTHOLE = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"


async def test_polling_registers_updates_once(ctx: ServiceContext, api: FakeBotApi, settings: TelegramSettings) -> None:
    update = message_update(text=POTHOLE)
    api.updates.extend([update, dict(update)])  # Telegram may hand the same update out again
    dispatcher = build_dispatcher(ctx, settings)
    task = asyncio.create_task(run_polling(ctx, settings, dispatcher=dispatcher, handle_signals=False))
    try:
        for _ in range(200):  # at most ~10 s
            await asyncio.sleep(0.05)
            if list_appeals(ctx, SYSTEM, AppealFilter())[1] and len(api.calls_of("deleteWebhook")) == 1:
                break
        await asyncio.sleep(0.2)  # let the repeated update through too
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(task, timeout=10)
    assert list_appeals(ctx, SYSTEM, AppealFilter())[1] == 1
    assert api.calls_of("deleteWebhook")[0]["drop_pending_updates"] == "false"


async def test_set_webhook_sends_the_secret_token(api: FakeBotApi, settings: TelegramSettings) -> None:
    await set_webhook(settings, "https://otklik.example.ru")
    call = api.calls_of("setWebhook")[0]
    assert call["url"] == "https://otklik.example.ru/channels/telegram/webhook"
    assert call["secret_token"] == "wh-secret_0123456789"
    assert call["allowed_updates"] == ["message", "callback_query"]
