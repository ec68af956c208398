"""The inbound message: anything a channel received, mapped onto one shape before we judge it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from otklik.domain.channels import Channel

MAX_TEXT_LENGTH = 20_000  # longer texts are refused: no real appeal is that long, a paste-bomb is


@dataclass(frozen=True)
class Author:
    """Who wrote, as the channel knows them; none of it is required."""

    name: str | None = None
    external_id: str | None = None  # the channel's id of the person (VK user id, Telegram chat id)
    phone: str | None = None
    email: str | None = None
    profile_url: str | None = None

    @property
    def is_identified(self) -> bool:
        """A 59-ФЗ appeal needs a name and a way to answer."""
        return bool(self.name and (self.email or self.phone))


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    storage_key: str  # where the bytes are kept; the message carries only the reference


@dataclass(frozen=True)
class InboundMessage:
    """One message of one channel. (channel, external_id) identifies it: the same pair is one message."""

    channel: Channel
    external_id: str
    text: str
    created_at: datetime
    author: Author = field(default_factory=Author)
    url: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    # What the channel knows of the context: the community a comment was in, the post it replies to, the
    # thread of an e-mail. Channels use it to answer in place; the locator may use a community's town as a prior.
    context: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    formal: bool = False  # the citizen asked for a formal 59-ФЗ answer


class MessageOutcome(StrEnum):
    REGISTERED = "registered"  # an appeal was registered from it
    NOT_AN_APPEAL = "not_an_appeal"  # chatter, thanks, spam: kept, but no appeal
    DUPLICATE = "duplicate"  # the same (channel, external id) arrived before
    QUEUED = "queued"  # accepted; a worker will decide
    DETAILS = "details"  # the citizen's answer to a request for details of an open appeal: attached to it


@dataclass(frozen=True)
class MessageDecision:
    message_id: int
    outcome: MessageOutcome
    appeal_id: int | None = None
    appeal_number: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class StoredMessage:
    """A message as kept by the system of record, with what was decided about it."""

    id: int
    message: InboundMessage
    received_at: datetime
    outcome: MessageOutcome | None = None
    outcome_reason: str | None = None
    appeal_id: int | None = None

    @property
    def processed(self) -> bool:
        return self.outcome is not None
