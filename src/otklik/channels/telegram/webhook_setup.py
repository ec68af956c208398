"""Registering the webhook with Telegram: setWebhook with our secret token and the updates the bot handles."""

from __future__ import annotations

from otklik.channels.telegram.bot import make_bot
from otklik.channels.telegram.polling import ALLOWED_UPDATES
from otklik.channels.telegram.settings import TelegramSettings

WEBHOOK_PATH = "/channels/telegram/webhook"


async def set_webhook(settings: TelegramSettings, base_url: str) -> None:
    """`base_url` is Otklik's public address; the webhook path is appended unless already there."""
    if settings.webhook_secret is None:
        raise ValueError("OTKLIK_TELEGRAM_WEBHOOK_SECRET is not set")
    url = base_url if base_url.rstrip("/").endswith(WEBHOOK_PATH) else base_url.rstrip("/") + WEBHOOK_PATH
    async with make_bot(settings) as bot:
        await bot.set_webhook(
            url, secret_token=settings.webhook_secret.get_secret_value(), allowed_updates=ALLOWED_UPDATES
        )
