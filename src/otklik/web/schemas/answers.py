"""Schemas of the executor's side of an appeal: answers under review, templates, extensions, details."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from otklik.domain.answers import AnswerDraft
from otklik.domain.extensions import MAX_EXTENSION_DAYS, DetailsRequest, Extension
from otklik.domain.message import MAX_TEXT_LENGTH
from otklik.web.schemas.fields import NonBlank


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=MAX_TEXT_LENGTH)
    template_id: str | None = Field(
        None, min_length=1, max_length=80, description="the template the answer was written from"
    )


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, max_length=MAX_TEXT_LENGTH, description="the moderator's corrected text")


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(..., min_length=1, max_length=2000, description="what to fix: the executor reads it")


class FlagOut(BaseModel):
    code: str
    message: str


class AnswerDraftOut(BaseModel):
    id: int
    appeal_id: int
    status: str
    status_ru: str
    text: str
    author: str
    agency_id: str | None
    submitted_at: datetime
    flags: list[FlagOut]
    score: float = Field(..., description="the checker's «отписка» likelihood, 0..1")
    review_required: bool
    template_id: str | None
    reviewer: str | None
    reviewed_at: datetime | None
    review_comment: str | None
    published_text: str | None
    reply_id: int | None

    @classmethod
    def of(cls, draft: AnswerDraft) -> AnswerDraftOut:
        assert draft.id is not None
        return cls(
            id=draft.id,
            appeal_id=draft.appeal_id,
            status=draft.status,
            status_ru=draft.status_ru,
            text=draft.text,
            author=draft.author,
            agency_id=draft.agency_id,
            submitted_at=draft.submitted_at,
            flags=[FlagOut(code=f.code, message=f.message) for f in draft.flags],
            score=draft.score,
            review_required=draft.review_required,
            template_id=draft.template_id,
            reviewer=draft.reviewer,
            reviewed_at=draft.reviewed_at,
            review_comment=draft.review_comment,
            published_text=draft.published_text,
            reply_id=draft.reply_id,
        )


class TemplateOut(BaseModel):
    id: str
    title: str
    text: str
    group: str | None
    topic: str | None


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(..., ge=1, le=MAX_EXTENSION_DAYS, strict=True, description="calendar days (59-ФЗ art. 12 p. 2)")
    reason: NonBlank = Field(..., max_length=2000, description="told to the citizen")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    comment: str | None = Field(None, max_length=2000)


class ExtensionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    appeal_id: int
    days: int
    reason: str
    status: str
    requested_by: str
    requested_at: datetime
    agency_id: str | None
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None
    due_before: datetime | None
    due_after: datetime | None

    @classmethod
    def of(cls, extension: Extension) -> ExtensionOut:
        return cls.model_validate(extension)


class DetailsQuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(..., min_length=1, max_length=5000)


class DetailsAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=5000, description="the citizen's answer, e.g. given by phone")


class DetailsRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    appeal_id: int
    question: str
    asked_by: str
    asked_at: datetime
    reply_id: int | None
    answered_by: str | None
    answered_at: datetime | None
    paused_hours: float | None = Field(None, description="working hours the deadline clock stood still")

    @classmethod
    def of(cls, request: DetailsRequest) -> DetailsRequestOut:
        return cls.model_validate(request)
