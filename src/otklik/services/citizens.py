"""What a citizen may see of their own appeals, found by their identity in a channel."""

from __future__ import annotations

from otklik.domain.appeal import Appeal
from otklik.services.context import ServiceContext


def appeals_of_channel_user(
    ctx: ServiceContext, channel: str, channel_user_id: str, *, limit: int = 20
) -> list[Appeal]:
    """The newest appeals of the person known to `channel` as `channel_user_id` (e.g. a Telegram chat)."""
    with ctx.uow(readonly=True) as uow:
        return uow.appeals.of_citizen(channel, channel_user_id, limit=limit)
