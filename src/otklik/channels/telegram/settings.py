"""Settings of the citizens' Telegram bot (OTKLIK_TELEGRAM_*); the token and the webhook secret stay SecretStr."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class TelegramSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_TELEGRAM_", env_file=".env", extra="ignore")

    # The bot's token from @BotFather ("123456789:AA…"). Without it the bot neither receives nor answers.
    bot_token: SecretStr | None = None
    # The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with every webhook update (set with
    # setWebhook's secret_token; 1–256 characters A-Z a-z 0-9 _ -). The webhook answers 403 without a match
    # and 404 while it is not set.
    webhook_secret: SecretStr | None = None
    # Base URL of the Bot API server (aiogram's TelegramAPIServer.from_base); a local Bot API server or tests
    # point it elsewhere.
    api_base_url: str = "https://api.telegram.org"
    # "webhook": Telegram posts updates to POST /channels/telegram/webhook of `otklik serve`;
    # "polling": `otklik channels telegram-poll` fetches them (no public address needed).
    mode: Literal["webhook", "polling"] = "webhook"
    # The public address of the webhook, for `otklik channels telegram-webhook` (setWebhook).
    webhook_url: str | None = None
    # HTTP timeout of one Bot API call, seconds.
    timeout_seconds: float = Field(15.0, gt=0)
    # At most this many messages per second (Telegram allows about 30/s to different chats).
    rate_per_second: float = Field(25.0, gt=0)
    # Longest text of one message; longer answers are split.
    message_max_length: int = Field(4096, ge=100, le=4096)
    # How long a sent location waits for the description of the problem, minutes.
    location_ttl_minutes: int = Field(30, ge=1)

    @property
    def configured(self) -> bool:
        return self.bot_token is not None and bool(self.bot_token.get_secret_value())
