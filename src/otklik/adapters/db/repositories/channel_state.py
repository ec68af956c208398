"""Key-value state of channels (cursors), one row per (channel, key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.channel_state import channel_state


class ChannelStateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, channel: str, key: str) -> str | None:
        query = select(channel_state.c.value).where(channel_state.c.channel == channel, channel_state.c.key == key)
        return self._session.execute(query).scalar_one_or_none()

    def set(self, channel: str, key: str, value: str, *, at: datetime) -> None:
        updated = self._session.execute(
            update(channel_state)
            .where(channel_state.c.channel == channel, channel_state.c.key == key)
            .values(value=value, updated_at=at)
        )
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            self._session.execute(insert(channel_state).values(channel=channel, key=key, value=value, updated_at=at))
