"""Answers in the citizen's Telegram chat: plain text (nothing to escape), rating buttons after the final answer."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardMarkup, ReplyParameters

from otklik.channels.telegram.bot import make_bot
from otklik.channels.telegram.keyboards import rating_keyboard
from otklik.channels.telegram.loop_thread import LoopThread
from otklik.channels.telegram.settings import TelegramSettings
from otklik.channels.telegram.texts import split_text
from otklik.notify.sender import OutboundNotice, PermanentDeliveryError, TransientDeliveryError
from otklik.settings import Settings


class TelegramSender:
    channel = "telegram_bot"

    def __init__(self, settings: TelegramSettings) -> None:
        self._settings = settings
        self.rate_per_second = settings.rate_per_second
        self._loop = LoopThread("telegram-sender")
        self._bot: Bot | None = None  # made on the private loop at the first send, reused after

    def send(self, notice: OutboundNotice) -> str | None:
        """The worker is synchronous: aiogram runs on the sender's private loop thread."""
        context: dict[str, Any] = dict(notice.recipient.get("context") or {})
        chat_id = context.get("chat_id")
        if chat_id is None:
            raise PermanentDeliveryError("the Telegram message has no chat to answer in")
        try:
            coroutine = self._send(notice, int(chat_id), context.get("message_id"))
            return self._loop.run(coroutine, timeout=self._settings.timeout_seconds * 3)
        except TelegramRetryAfter as error:
            raise TransientDeliveryError(f"Telegram: {error.message}", retry_after=error.retry_after) from None
        except (TelegramForbiddenError, TelegramUnauthorizedError, TelegramBadRequest, TelegramNotFound) as error:
            raise PermanentDeliveryError(f"Telegram: {error.message}") from None
        except (TelegramAPIError, TimeoutError, OSError) as error:  # network, 5xx: worth another try
            raise TransientDeliveryError(f"Telegram: {type(error).__name__}") from None

    async def _send(self, notice: OutboundNotice, chat_id: int, reply_to: Any) -> str:
        parts = split_text(notice.text, self._settings.message_max_length)
        ids = []
        if self._bot is None:
            self._bot = make_bot(self._settings)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            markup: InlineKeyboardMarkup | None = None
            if last and notice.kind == "reply_final":
                markup = rating_keyboard(notice.appeal_id)
            reply = None
            if index == 0 and reply_to is not None:
                reply = ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True)
            sent = await self._bot.send_message(
                chat_id, part, parse_mode=None, reply_parameters=reply, reply_markup=markup
            )
            ids.append(str(sent.message_id))
        return ",".join(ids)

    def close(self) -> None:
        """Close the Bot's HTTP session and stop the private loop (the worker's sender lives as long as the process)."""
        if self._bot is not None:
            self._loop.run(self._bot.session.close(), timeout=5)
            self._bot = None
        self._loop.stop()


def build_sender(settings: Settings) -> TelegramSender | None:
    """The bot's sender when OTKLIK_TELEGRAM_BOT_TOKEN is set; None leaves the bot without answers."""
    telegram_settings = TelegramSettings()
    return TelegramSender(telegram_settings) if telegram_settings.configured else None
