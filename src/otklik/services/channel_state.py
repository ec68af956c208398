"""Channels keep their polling cursors here, so a restart continues where it stopped."""

from __future__ import annotations

from otklik.services.context import ServiceContext


def load_cursor(ctx: ServiceContext, channel: str, key: str) -> str | None:
    with ctx.uow(readonly=True) as uow:
        return uow.channel_state.get(channel, key)


def save_cursor(ctx: ServiceContext, channel: str, key: str, value: str) -> None:
    with ctx.uow() as uow:
        uow.channel_state.set(channel, key, value, at=ctx.clock.now())
        uow.commit()
