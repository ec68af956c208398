"""Schemas of the portal API: registration, login, consent, submissions and the citizen's view of an appeal."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from otklik.domain.message import MAX_TEXT_LENGTH
from otklik.web.schemas.fields import Coordinate, NonBlank, StorableText

STATUS_LABELS = {
    "new": "Новое",
    "needs_moderation": "На проверке",
    "assigned": "Передано в орган власти",
    "in_progress": "В работе",
    "answered": "Дан промежуточный ответ",
    "resolved": "Дан ответ",
    "closed": "Закрыто",
    "reopened": "Возвращено в работу",
    "rejected": "Отклонено",
    "redirected": "Перенаправлено по компетенции",
}


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=300)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)
    password: str = Field(..., min_length=1, max_length=256)
    consent: bool = Field(False, description="согласие на обработку персональных данных (152-ФЗ)")


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str = Field(..., min_length=1, max_length=320, description="e-mail или телефон")
    password: str = Field(..., min_length=1, max_length=256)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agree: Literal[True]
    version: str | None = Field(None, max_length=40, description="версия текста, с которой согласился гражданин")


class ConsentText(BaseModel):
    version: str
    text: str


class AccountOut(BaseModel):
    id: int
    name: str
    email: str | None
    phone: str | None
    consent_at: datetime | None
    consent_version: str | None
    consent_needed: bool = Field(..., description="перед подачей обращения нужно (заново) дать согласие")
    created_at: datetime


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    account: AccountOut


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Multipart fields pass the request guard unread, so these types check for NUL and lone surrogates themselves.
    text: NonBlank = Field(..., max_length=MAX_TEXT_LENGTH)
    address: StorableText | None = Field(None, max_length=500)
    lat: Coordinate | None = None
    lon: Coordinate | None = None
    formal: bool = Field(False, description="нужен официальный ответ по 59-ФЗ")


class UnregisteredOut(BaseModel):
    """A submission that did not become an appeal: queued for the machine (202) or refused as not one (409)."""

    message_id: int
    decision: str
    reason: str


def submission_body() -> dict[str, Any]:
    """The request body in the OpenAPI: the route reads it itself (JSON, or a form with photos)."""
    fields = SubmissionIn.model_json_schema()
    form = {**fields, "properties": {**fields["properties"], "photos": {"type": "array", "items": _FILE}}}
    content = {"application/json": {"schema": fields}, "multipart/form-data": {"schema": form}}
    return {"requestBody": {"required": True, "content": content}}


_FILE = {"type": "string", "format": "binary", "description": "a photo: JPEG, PNG, WebP or HEIC"}


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(..., ge=1, le=5)
    solved: bool
    comment: str | None = Field(None, max_length=2000)


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(None, max_length=2000)


class CitizenAppealOut(BaseModel):
    id: int
    number: str
    status: str
    status_label: str
    text: str
    group: str | None
    topic: str | None
    agency: str | None
    address: str | None
    created_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    reopen_until: datetime | None = Field(None, description="до какого момента можно вернуть обращение в работу")


class StepOut(BaseModel):
    at: datetime
    status: str
    status_label: str


class AnswerOut(BaseModel):
    kind: str
    text: str
    agency: str | None
    created_at: datetime


class NoticeOut(BaseModel):
    kind: str
    text: str
    created_at: datetime
    status: str


class RatingOut(BaseModel):
    score: int
    solved: bool
    comment: str | None
    created_at: datetime


class AttachmentOut(BaseModel):
    filename: str
    content_type: str
    size: int


class CitizenAppealDetailOut(CitizenAppealOut):
    history: list[StepOut]
    answers: list[AnswerOut]
    notices: list[NoticeOut]
    ratings: list[RatingOut]


class SubmissionOut(CitizenAppealOut):
    notice: str | None = Field(None, description="уведомление о регистрации: номер и срок ответа")
    attachments: list[AttachmentOut] = []
