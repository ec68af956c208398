"""Schemas of the reference API: municipalities, agencies, the rubricator."""

from __future__ import annotations

from pydantic import BaseModel


class MunicipalityOut(BaseModel):
    id: str
    name: str
    type: str
    oktmo: str


class AgencyRefOut(BaseModel):
    id: str
    name: str
    level: str
    municipality: str | None


class TopicOut(BaseModel):
    name: str
    priority: bool
    active: bool


class CategoryGroupOut(BaseModel):
    group: str
    active: bool
    topics: list[TopicOut]
