"""Incidents over HTTP: one problem, many appeals (masked text only)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class IncidentMemberOut(BaseModel):
    appeal_id: int
    number: str
    channel: str
    status: str
    agency_id: str | None
    created_at: datetime
    text: str = Field(..., description="masked text: no personal data")
    added_by: str
    score: float | None
    reasons: list[str]


class IncidentOut(BaseModel):
    id: int
    status: str = Field(..., description="proposed, confirmed, closed or dissolved")
    municipality_id: str | None
    group: str | None
    topic: str | None
    title: str
    created_at: datetime
    updated_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    closed_at: datetime | None
    appeals: int = Field(..., description="appeals of the incident the reader may see")


class IncidentDetailOut(IncidentOut):
    members: list[IncidentMemberOut]


class SplitIn(BaseModel):
    appeal_ids: list[int] = Field(..., min_length=1, max_length=500)
    reason: str | None = Field(None, max_length=2000)


class AddAppealIn(BaseModel):
    appeal_id: int = Field(..., ge=1)


class IncidentAnswerIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=20_000)


class IncidentAnswerOut(BaseModel):
    appeal_id: int
    number: str
    outcome: str = Field(..., description="published, review (waits for a moderator) or skipped")
    reason: str | None = None
