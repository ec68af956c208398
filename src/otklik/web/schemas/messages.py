"""Schemas of the inbound-message API: any channel's raw message in, the decision out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from otklik.domain.message import MAX_TEXT_LENGTH


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=300)
    id: str | None = Field(None, max_length=200, description="the author's id in the channel")
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=320)
    url: str | None = Field(None, max_length=1000)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(..., examples=["vk"])
    external_id: str = Field(..., min_length=1, max_length=200, description="the channel's id of the message")
    text: str = Field(..., max_length=MAX_TEXT_LENGTH)
    author: AuthorIn = Field(default_factory=AuthorIn)
    created_at: datetime
    url: str | None = Field(None, max_length=1000)
    lat: float | None = None
    lon: float | None = None
    address: str | None = Field(None, max_length=500)
    context: dict[str, Any] = Field(default_factory=dict, description="the channel's context: community, thread")


class MessageDecisionOut(BaseModel):
    message_id: int
    decision: str = Field(..., description="registered, not_an_appeal, duplicate, queued or details")
    appeal_id: int | None
    appeal_number: str | None
    reason: str
