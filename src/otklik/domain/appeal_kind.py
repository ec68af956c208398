"""Appeal kinds: they decide the deadline policy and the legal regime of an appeal."""

from __future__ import annotations

from enum import StrEnum


class AppealKind(StrEnum):
    INCIDENT = "incident"  # a public social-media post or comment about a problem
    MESSAGE = "message"  # a message through the portal, the bot or the phone (ПОС-like)
    APPEAL_59FZ = "appeal_59fz"  # a formal appeal of an identified citizen under 59-ФЗ


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
