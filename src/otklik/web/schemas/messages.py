"""Schemas of the inbound-message API: any channel's raw message in, the decision out."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from otklik.domain.message import MAX_TEXT_LENGTH
from otklik.web.schemas.fields import (
    MAX_ADDRESS_LENGTH,
    MAX_CODE_LENGTH,
    MAX_EXTERNAL_ID_LENGTH,
    MAX_NAME_LENGTH,
    ChannelContext,
    Coordinate,
    MessageTime,
    NonBlank,
)


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=MAX_NAME_LENGTH)
    id: str | None = Field(None, max_length=200, description="the author's id in the channel")
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=320)
    url: str | None = Field(None, max_length=1000)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(..., min_length=1, max_length=MAX_CODE_LENGTH, examples=["vk"])
    external_id: NonBlank = Field(..., max_length=MAX_EXTERNAL_ID_LENGTH, description="the channel's id of the message")
    text: NonBlank = Field(..., max_length=MAX_TEXT_LENGTH)
    author: AuthorIn = Field(default_factory=AuthorIn)
    created_at: MessageTime
    url: str | None = Field(None, max_length=1000)
    lat: Coordinate | None = None
    lon: Coordinate | None = None
    address: str | None = Field(None, max_length=MAX_ADDRESS_LENGTH)
    context: ChannelContext = Field(default_factory=dict)


class MessageDecisionOut(BaseModel):
    message_id: int
    decision: str = Field(..., description="registered, not_an_appeal, duplicate, queued or details")
    appeal_id: int | None
    appeal_number: str | None
    reason: str
