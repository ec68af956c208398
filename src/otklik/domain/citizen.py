"""The citizen: who wrote, and how to reach them back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Citizen:
    name: str | None
    phone: str | None = None
    email: str | None = None
    channel: str | None = None  # the channel they first wrote from
    channel_user_id: str | None = None  # their id in that channel
    id: int | None = None
