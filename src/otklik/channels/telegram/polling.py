"""Polling mode: getUpdates in a loop (no public address needed); the webhook is removed first."""

from __future__ import annotations

import structlog
from aiogram import Dispatcher

from otklik.channels.telegram.bot import build_dispatcher, make_bot
from otklik.channels.telegram.settings import TelegramSettings
from otklik.services.context import ServiceContext

log = structlog.get_logger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]


async def run_polling(
    ctx: ServiceContext,
    settings: TelegramSettings,
    *,
    dispatcher: Dispatcher | None = None,
    handle_signals: bool = True,
) -> None:
    """Until stopped: Ctrl-C, or `dispatcher.stop_polling()` by whoever passed the dispatcher in."""
    dispatcher = dispatcher or build_dispatcher(ctx, settings)
    async with make_bot(settings) as bot:
        await bot.delete_webhook(drop_pending_updates=False)
        log.info("telegram.polling")
        await dispatcher.start_polling(
            bot, allowed_updates=ALLOWED_UPDATES, handle_signals=handle_signals, close_bot_session=False
        )
