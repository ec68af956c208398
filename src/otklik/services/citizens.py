"""What a citizen may see of their own appeals, found by their identity in a channel."""

from __future__ import annotations

from otklik.domain.appeal import Appeal
from otklik.domain.citizen import Citizen
from otklik.services.context import ServiceContext


def appeals_of_channel_user(
    ctx: ServiceContext, channel: str, channel_user_id: str, *, limit: int = 20
) -> list[Appeal]:
    """The newest appeals of the person known to `channel` as `channel_user_id` (e.g. a Telegram chat)."""
    with ctx.uow(readonly=True) as uow:
        return uow.appeals.of_citizen(channel, channel_user_id, limit=limit)


def remember_phone(ctx: ServiceContext, channel: str, channel_user_id: str, phone: str) -> None:
    """A phone the citizen shared in a channel (a Telegram contact): kept on the citizen, used for call-backs."""
    with ctx.uow() as uow:
        citizen = uow.appeals.find_or_add_citizen(Citizen(name=None, channel=channel, channel_user_id=channel_user_id))
        citizen.phone = phone
        uow.commit()


def phone_of(ctx: ServiceContext, channel: str, channel_user_id: str) -> str | None:
    with ctx.uow(readonly=True) as uow:
        citizen = uow.appeals.citizen_of(channel, channel_user_id)
        return citizen.phone if citizen else None
