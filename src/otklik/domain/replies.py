"""Replies of the responsible body and ratings of the citizen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from otklik.domain.errors import InvalidInput


class ReplyKind(StrEnum):
    INTERIM = "interim"
    FINAL = "final"
    CLARIFICATION = "clarification"  # a request to the citizen for details


@dataclass
class Reply:
    appeal_id: int
    kind: str
    text: str
    author: str
    agency_id: str | None
    created_at: datetime
    id: int | None = None


@dataclass
class Rating:
    appeal_id: int
    score: int  # 1..5
    solved: bool  # «решено / не решено»
    comment: str | None
    created_at: datetime
    id: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.score <= 5:
            raise InvalidInput(f"a rating is from 1 to 5, got {self.score}")
