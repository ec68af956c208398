"""A final answer before it reaches the citizen: the draft, its review states and the rules of review.

roles.md: executors and agency heads draft a final answer; moderators approve or return it. A draft that needs
no review is published at once; one that does waits «на проверке» and nothing reaches the citizen before approval.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from otklik.domain.errors import Conflict, InvalidInput


class DraftStatus(StrEnum):
    PENDING = "pending"  # «на проверке»: waits for a moderator
    RETURNED = "returned"  # «возвращён на доработку»: the executor reads the comment and writes again
    APPROVED = "approved"  # a moderator approved it (perhaps edited): published
    PUBLISHED = "published"  # needed no review: published at once


DRAFT_STATUS_RU: dict[DraftStatus, str] = {
    DraftStatus.PENDING: "на проверке",
    DraftStatus.RETURNED: "возвращён на доработку",
    DraftStatus.APPROVED: "одобрен и опубликован",
    DraftStatus.PUBLISHED: "опубликован без проверки",
}


@dataclass(frozen=True)
class DraftFlag:
    """One reason of the answer checker, for the moderator (code is stable, message is Russian)."""

    code: str
    message: str


@dataclass
class AnswerDraft:
    appeal_id: int
    text: str
    author: str  # the actor of the executor who wrote it: recorded as the reply's author on publication
    agency_id: str | None
    submitted_at: datetime
    status: str = DraftStatus.PENDING.value
    flags: tuple[DraftFlag, ...] = ()
    score: float = 0.0  # the checker's «отписка» likelihood, 0..1
    review_required: bool = True
    template_id: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    review_comment: str | None = None  # why it was returned: the executor sees it
    published_text: str | None = None  # what the citizen got (a moderator may edit before approving)
    reply_id: int | None = None
    id: int | None = None

    @property
    def flag_codes(self) -> frozenset[str]:
        return frozenset(flag.code for flag in self.flags)

    @property
    def status_enum(self) -> DraftStatus:
        return DraftStatus(self.status)

    @property
    def status_ru(self) -> str:
        return DRAFT_STATUS_RU[self.status_enum]

    def approve(self, *, reviewer: str, at: datetime, text: str) -> None:
        self._check_pending()
        self.status = DraftStatus.APPROVED.value
        self.reviewer, self.reviewed_at, self.published_text = reviewer, at, text

    def return_to_author(self, *, reviewer: str, at: datetime, comment: str) -> None:
        self._check_pending()
        if not comment.strip():
            raise InvalidInput("возврат ответа на доработку требует комментария: что исправить")
        self.status = DraftStatus.RETURNED.value
        self.reviewer, self.reviewed_at, self.review_comment = reviewer, at, comment.strip()

    def publish_unreviewed(self) -> None:
        self.status = DraftStatus.PUBLISHED.value
        self.published_text = self.text

    def _check_pending(self) -> None:
        if self.status_enum is not DraftStatus.PENDING:
            raise Conflict(f"ответ {self.id} уже не на проверке: {self.status_ru}")


def needs_review(kind: str, review_kinds: Collection[str], flags: Iterable[DraftFlag]) -> bool:
    """Review is required for the configured kinds (public incidents by default: the answer is seen by everyone)
    and always when the checker raised any flag — a moderator reads every reason before the citizen does."""
    return kind in review_kinds or any(True for _ in flags)


def check_no_pending(drafts: Iterable[AnswerDraft], number: str) -> None:
    """One answer at a time: a pending draft blocks another until a moderator returns it."""
    if any(d.status_enum is DraftStatus.PENDING for d in drafts):
        raise Conflict(f"ответ по обращению {number} уже на проверке: дождитесь решения модератора")
