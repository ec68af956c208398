"""Reading appeals for channels that publish them (Open311): lists by filter, the citizen's notices, tokens."""

from __future__ import annotations

from datetime import datetime

from otklik.adapters.db.repositories.appeal_feed import FeedQuery, FeedRow, NoticeRow
from otklik.services.context import ServiceContext


def find_requests(ctx: ServiceContext, query: FeedQuery) -> list[FeedRow]:
    with ctx.uow(readonly=True) as uow:
        return uow.appeal_feed.requests(query)


def notices_between(
    ctx: ServiceContext,
    channels: tuple[str, ...],
    start: datetime,
    end: datetime,
    *,
    limit: int = 1000,
    number: str | None = None,
) -> list[NoticeRow]:
    """What the citizens of these channels were told in [start, end], oldest first; each notice once."""
    with ctx.uow(readonly=True) as uow:
        return uow.appeal_feed.notices(channels, start, end, limit=limit, number=number)


def appeal_of_message(ctx: ServiceContext, message_id: int, channel: str) -> tuple[bool, str | None]:
    """(the message exists in this channel, the number of the appeal registered from it, if any yet)."""
    with ctx.uow(readonly=True) as uow:
        return uow.appeal_feed.token(message_id, channel)
