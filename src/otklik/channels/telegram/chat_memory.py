"""What the bot remembers of a chat between messages: a location awaiting its text, the shared phone."""

from __future__ import annotations

from datetime import timedelta

from otklik.services import citizens
from otklik.services.channel_state import load_cursor, save_cursor
from otklik.services.context import ServiceContext

CHANNEL = "telegram_bot"


def remember_point(ctx: ServiceContext, chat_id: int, lat: float, lon: float) -> None:
    save_cursor(ctx, CHANNEL, f"location:{chat_id}", f"{lat},{lon},{ctx.clock.now().timestamp()}")


def take_point(ctx: ServiceContext, chat_id: int, ttl: timedelta) -> tuple[float, float] | None:
    """The location sent within `ttl`, once: the next message uses it, the one after does not."""
    value = load_cursor(ctx, CHANNEL, f"location:{chat_id}")
    if not value:
        return None
    save_cursor(ctx, CHANNEL, f"location:{chat_id}", "")
    lat, lon, at = (float(part) for part in value.split(","))
    if ctx.clock.now().timestamp() - at > ttl.total_seconds():
        return None
    return lat, lon


def remember_phone(ctx: ServiceContext, chat_id: int, phone: str) -> None:
    citizens.remember_phone(ctx, CHANNEL, str(chat_id), phone)


def phone_of(ctx: ServiceContext, chat_id: int) -> str | None:
    return citizens.phone_of(ctx, CHANNEL, str(chat_id))
