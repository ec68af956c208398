"""The Telegram webhook: checks the secret-token header, then feeds the update to the bot's dispatcher."""

from __future__ import annotations

import hmac
from functools import lru_cache
from typing import Annotated

from aiogram.types import Update
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import ValidationError

from otklik.channels.telegram.bot import build_dispatcher, make_bot
from otklik.channels.telegram.settings import TelegramSettings
from otklik.domain.errors import InvalidInput
from otklik.web.dependencies import Ctx

router = APIRouter(prefix="/channels/telegram", tags=["channels"])
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@lru_cache(maxsize=1)
def telegram_settings() -> TelegramSettings:
    """Read once from the environment; tests override this dependency."""
    return TelegramSettings()


@router.post("/webhook", summary="Telegram Bot API webhook")
async def webhook(
    request: Request, ctx: Ctx, settings: Annotated[TelegramSettings, Depends(telegram_settings)]
) -> Response:
    """The update is handled before the answer: on a failure Telegram delivers it again, and the message's
    external id (chat:message) keeps the redelivery from making a second appeal."""
    if not settings.configured or settings.webhook_secret is None:
        raise HTTPException(404, "the Telegram webhook is not configured (OTKLIK_TELEGRAM_WEBHOOK_SECRET)")
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), settings.webhook_secret.get_secret_value().encode()):
        raise HTTPException(403, f"the {SECRET_HEADER} header does not match")
    try:
        data = await request.json()
    except ValueError:
        raise InvalidInput("the body is not JSON: Telegram sends an Update object") from None
    async with make_bot(settings) as bot:
        try:
            update = Update.model_validate(data, context={"bot": bot})
        except ValidationError as error:
            raise InvalidInput(f"the body is not a Telegram Update: {error.error_count()} problems") from None
        await build_dispatcher(ctx, settings).feed_update(bot, update)
    return Response(status_code=200)
