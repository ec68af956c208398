"""Schemas of the appeals API: portal submission, appeal views, history, transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from otklik.domain.message import MAX_TEXT_LENGTH
from otklik.web.schemas.fields import Code, Coordinate, NonBlank, RowId


class CitizenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=300)
    phone: str | None = Field(None, max_length=40, pattern=r"^\+?[0-9 ()\-]{5,20}$")
    email: EmailStr | None = None


class PortalAppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: NonBlank = Field(..., max_length=MAX_TEXT_LENGTH)
    channel: Literal["portal"] = "portal"
    citizen: CitizenIn
    address: str | None = Field(None, max_length=500)
    lat: Coordinate | None = None
    lon: Coordinate | None = None
    formal: bool = Field(False, description="the citizen asks for a formal answer under 59-ФЗ")


class UnregisteredOut(BaseModel):
    """A portal submission that did not become an appeal: queued (202) or refused as not one (409)."""

    message_id: int
    decision: str


class CategoryOut(BaseModel):
    group: str | None
    topic: str | None
    confidence: float | None = None


class AgencyOut(BaseModel):
    id: str
    name: str
    level: str


class AppealOut(BaseModel):
    id: int
    number: str
    status: str
    kind: str
    channel: str
    priority: str
    category: CategoryOut
    municipality: str | None = Field(None, description="name of the municipality, as in the reference list")
    municipality_id: str | None
    agency: AgencyOut | None
    text: str = Field(..., description="the text with personal data masked")
    address: str | None
    lat: float | None
    lon: float | None
    created_at: datetime
    first_response_due_at: datetime | None
    due_at: datetime | None
    overdue: bool = Field(..., description="still open and past its deadline")
    answered_at: datetime | None
    resolved_at: datetime | None
    reject_reason: str | None
    explanation: list[str]
    highlight: str | None = Field(
        None,
        description="with `q`: fragments of the masked text with the words found in <mark>…</mark>; "
        "safe HTML (everything else escaped)",
    )


class EventOut(BaseModel):
    id: int
    type: str
    at: datetime
    actor: str
    from_status: str | None
    to_status: str | None
    reason: str | None
    data: dict[str, Any]


class ReplyOut(BaseModel):
    id: int
    kind: str
    text: str
    author: str
    agency_id: str | None
    created_at: datetime


class RatingOut(BaseModel):
    score: int
    solved: bool
    comment: str | None
    created_at: datetime


class DeliveryOut(BaseModel):
    id: int
    channel: str
    kind: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None


class AppealDetailOut(AppealOut):
    history: list[EventOut]
    replies: list[ReplyOut]
    ratings: list[RatingOut]
    deliveries: list[DeliveryOut]


class AppealPage(BaseModel):
    items: list[AppealOut]
    total: int = Field(
        ...,
        description="appeals matching the filters in your scope: exact up to 10000; beyond that 10000 with "
        "total_capped true («больше 10 000»), so a list of a million is never counted row by row; a word search "
        "(q=) is exact up to 2000 hits («больше 2 000»), the depth its ranking reads. A dashboard "
        "drill-down (from/to/topic/channel/measure) is always exact: it is the figure it was opened from.",
    )
    total_capped: bool = Field(False, description="true when there are more than `total` appeals")
    page: int
    per_page: int
    next_cursor: str | None = Field(
        None,
        description="pass as `cursor` (with the same filters) for the next page; null on the last page. Date order "
        "pages by keyset at any depth; a search by relevance pages by offset down to 2000 hits (sort=date beyond).",
    )


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Code = Field(..., description="the target status", examples=["in_progress"])
    reason: str | None = Field(None, max_length=2000)
    agency_id: Code | None = Field(None, description="for assigned / redirected: the body")
    reject_reason: Literal["spam", "not_an_appeal", "duplicate"] | None = None
    duplicate_of: RowId | None = Field(None, description="for a duplicate: the id of the original appeal")


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["interim", "final", "clarification"]
    text: str = Field(..., min_length=1, max_length=MAX_TEXT_LENGTH)


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(..., ge=1, le=5, strict=True)
    solved: bool
    comment: str | None = Field(None, max_length=2000)


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group: Code | None = Field(None, description="the right group of the rubricator")
    topic: Code | None = Field(None, description="the right topic (inside the group)")
    municipality_id: Code | None = Field(None, description="the right municipality (OKTMO id)")
    reason: str | None = Field(None, max_length=2000)


class ContactsOut(BaseModel):
    """The citizen's personal data; reading it leaves a `personal_data_viewed` event (152-ФЗ)."""

    name: str | None
    phone: str | None
    email: str | None
    text: str = Field(description="the appeal's text unmasked")
    address: str | None
