"""Schemas of the moderators' queue, bulk actions, «not an appeal» review and the bodies' backlog."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from otklik.services.moderation import MAX_BULK
from otklik.web.schemas.appeals import AppealOut
from otklik.web.schemas.fields import Code, RowId


class SuggestionOut(BaseModel):
    group: str | None
    topic: str | None
    category_confidence: float | None
    municipality_id: str | None
    municipality: str | None = Field(None, description="name of the municipality")
    agency_id: str | None = Field(None, description="the proposed body")
    agency: str | None = Field(None, description="name of the proposed body")
    routing_confidence: float | None


class RedirectRequestOut(BaseModel):
    by: str
    at: datetime
    from_agency_id: str | None
    to_agency_id: str | None
    justification: str | None = Field(None, description="why the body says the appeal is not theirs")


class QueueItemOut(BaseModel):
    id: int
    number: str
    status: str
    channel: str
    priority: str
    text: str = Field(..., description="the text with personal data masked")
    created_at: datetime
    due_at: datetime | None
    overdue: bool
    suggestion: SuggestionOut
    explanation: list[str]
    redirect: RedirectRequestOut | None = None


class BulkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    appeal_ids: list[RowId] = Field(..., min_length=1, max_length=MAX_BULK)
    action: Literal["accept", "reject", "assign"]
    reject_reason: Literal["spam", "not_an_appeal"] | None = None
    agency_id: Code | None = Field(None, description="for assign: the body")
    reason: str | None = Field(None, max_length=2000)


class BulkOut(BaseModel):
    done: list[int]
    failed: dict[int, str] = Field(..., description="appeal id → why it was not done")


class NotAppealOut(BaseModel):
    message_id: int
    channel: str
    received_at: datetime
    text: str = Field(..., description="the text with personal data masked")
    appeal_score: float = Field(..., description="the detector's P(appeal) with the current model")
    threshold: float | None
    municipality_id: str | None
    reason: str | None = Field(None, description="the stored explanation of the decision")


class PromoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=2000)


class AssigneeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str = Field(..., min_length=1, max_length=100)


class AssigneeOut(BaseModel):
    user_id: int
    login: str | None
    name: str | None


class AgencyAppealOut(AppealOut):
    assignee: AssigneeOut | None


class PersonLoadOut(BaseModel):
    user_id: int | None
    login: str | None
    name: str
    open: int
    overdue: int
    nearest_due_at: datetime | None


class BacklogOut(BaseModel):
    agency_id: str
    agency: str
    open: int
    overdue: int
    people: list[PersonLoadOut]
