"""The citizens' bot: aiogram handlers that turn messages into appeals, list them, and take ratings."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import structlog
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from otklik.channels.telegram import chat_memory, texts
from otklik.channels.telegram.keyboards import solved_keyboard, start_keyboard
from otklik.channels.telegram.mapping import to_inbound
from otklik.channels.telegram.settings import TelegramSettings
from otklik.domain import access
from otklik.domain.errors import DomainError, InvalidInput
from otklik.domain.message import InboundMessage, MessageDecision, MessageOutcome
from otklik.services.appeals import get_detail, rate
from otklik.services.citizens import appeals_of_channel_user
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message

log = structlog.get_logger(__name__)
CHANNEL = "telegram_bot"
CITIZEN_ACTOR = "гражданин (Telegram)"


def make_bot(settings: TelegramSettings) -> Bot:
    """A Bot on the configured Bot API server; use it as `async with` so its HTTP session is closed."""
    if settings.bot_token is None:
        raise ValueError("OTKLIK_TELEGRAM_BOT_TOKEN is not set")
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.api_base_url), timeout=settings.timeout_seconds)
    return Bot(settings.bot_token.get_secret_value(), session=session)


def build_dispatcher(ctx: ServiceContext, settings: TelegramSettings) -> Dispatcher:
    """A dispatcher whose handlers get `ctx` and `settings` by name."""
    dispatcher = Dispatcher(ctx=ctx, settings=settings)
    dispatcher.include_router(build_router())
    return dispatcher


def build_router() -> Router:
    router = Router(name="otklik-citizens")
    router.message.filter(F.chat.type == "private")  # the citizens' bot talks one-to-one; groups are not appeals
    router.message.register(on_start, CommandStart())
    router.message.register(on_status, Command("status"))
    router.message.register(on_location, F.location)
    router.message.register(on_contact, F.contact)
    router.message.register(on_message, F.text | F.photo)
    router.callback_query.register(on_rate, F.data.startswith("rate:"))
    router.callback_query.register(on_solved, F.data.startswith("solved:"))
    return router


async def on_start(message: Message) -> None:
    await message.answer(texts.WELCOME, reply_markup=start_keyboard())


async def on_status(message: Message, ctx: ServiceContext) -> None:
    appeals = await asyncio.to_thread(appeals_of_channel_user, ctx, CHANNEL, str(message.chat.id))
    await message.answer(texts.status_list(appeals))


async def on_location(message: Message, ctx: ServiceContext) -> None:
    """A location waits for the description that follows; a point outside the region is refused now."""
    assert message.location is not None
    lat, lon = message.location.latitude, message.location.longitude
    if not ctx.region_area.contains(lat, lon):
        await message.answer(texts.LOCATION_OUTSIDE)
        return
    await asyncio.to_thread(chat_memory.remember_point, ctx, message.chat.id, lat, lon)
    await message.answer(texts.LOCATION_SAVED)


async def on_contact(message: Message, ctx: ServiceContext) -> None:
    """Only the citizen's own contact is kept: it becomes the phone of their next appeals."""
    contact = message.contact
    assert contact is not None
    if message.from_user is None or contact.user_id != message.from_user.id:
        await message.answer(texts.CONTACT_NOT_OWN)
        return
    await asyncio.to_thread(chat_memory.remember_phone, ctx, message.chat.id, contact.phone_number)
    await message.answer(texts.CONTACT_SAVED)


async def on_message(message: Message, ctx: ServiceContext, settings: TelegramSettings) -> None:
    """Text or photo → an appeal; the number and due time come as the acknowledgement through the outbox."""
    chat_id = message.chat.id
    ttl = timedelta(minutes=settings.location_ttl_minutes)
    point = await asyncio.to_thread(chat_memory.take_point, ctx, chat_id, ttl)
    phone = await asyncio.to_thread(chat_memory.phone_of, ctx, chat_id)
    inbound = to_inbound(message, phone=phone, point=point)
    if inbound is None:
        return
    decision = await asyncio.to_thread(_receive, ctx, inbound)
    reply = _reply_to(decision)
    if reply:
        await message.answer(reply)


def _receive(ctx: ServiceContext, inbound: InboundMessage) -> MessageDecision | None:
    try:
        return receive_message(ctx, inbound)
    except InvalidInput as error:
        if inbound.lat is not None:
            return _receive(ctx, dataclasses.replace(inbound, lat=None, lon=None))
        log.warning("telegram.message_refused", external_id=inbound.external_id, reason=error.reason)
        return None


def _reply_to(decision: MessageDecision | None) -> str | None:
    """Registered: silent here (the acknowledgement follows); a redelivered update: silent."""
    if decision is None:
        return texts.REFUSED
    return {MessageOutcome.NOT_AN_APPEAL: texts.NOT_AN_APPEAL, MessageOutcome.QUEUED: texts.QUEUED}.get(
        decision.outcome
    )


async def on_rate(query: CallbackQuery, ctx: ServiceContext) -> None:
    """Step one of the rating: the score; the question «решена?» replaces the buttons."""
    appeal_id, score = _ints(query.data, 1), _ints(query.data, 2)
    if appeal_id is None or score is None or not 1 <= score <= 5:
        await query.answer()
        return
    problem = await asyncio.to_thread(_cannot_rate, ctx, query, appeal_id)
    if problem:
        await query.answer(problem, show_alert=True)
        return
    if query.message is not None and isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=solved_keyboard(appeal_id, score))
    await query.answer(texts.ASK_SOLVED)


async def on_solved(query: CallbackQuery, ctx: ServiceContext) -> None:
    """Step two: the rating is recorded; «не решена» reopens the appeal within the reopen window."""
    parts = (query.data or "").split(":")
    appeal_id, score = _ints(query.data, 1), _ints(query.data, 3)
    if appeal_id is None or score is None or len(parts) != 4 or parts[2] not in ("yes", "no"):
        await query.answer()
        return
    solved = parts[2] == "yes"
    problem = await asyncio.to_thread(_cannot_rate, ctx, query, appeal_id)
    if problem is None:
        try:
            me = access.citizen(CITIZEN_ACTOR)
            await asyncio.to_thread(rate, ctx, me, appeal_id, score=score, solved=solved, comment=None)
        except DomainError as error:
            log.info("telegram.rating_refused", appeal_id=appeal_id, reason=error.reason)
            problem = texts.ALREADY_RATED
    if problem:
        await query.answer(problem, show_alert=True)
        return
    if query.message is not None and isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    await query.answer(texts.RATED_SOLVED if solved else texts.RATED_NOT_SOLVED)


def _cannot_rate(ctx: ServiceContext, query: CallbackQuery, appeal_id: int) -> str | None:
    """Buttons can be forged by a custom client: the appeal must be this chat's, and not rated yet."""
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    mine = {a.id for a in appeals_of_channel_user(ctx, CHANNEL, str(chat_id), limit=100)}
    if appeal_id not in mine:
        return texts.NOT_YOURS
    if get_detail(ctx, access.citizen(f"telegram:{chat_id}"), appeal_id).ratings:
        return texts.ALREADY_RATED
    return None


def _ints(data: str | None, index: int) -> int | None:
    parts = (data or "").split(":")
    try:
        return int(parts[index])
    except (IndexError, ValueError):
        return None
