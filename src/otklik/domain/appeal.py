"""The appeal aggregate: a registered request tracked to its answer through the state machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from otklik.domain.appeal_kind import AppealKind, Priority
from otklik.domain.errors import InvalidInput
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.status import OPEN_STATUSES, AppealStatus, RejectReason, check_transition


@dataclass
class Appeal:
    number: str
    kind: str
    status: str
    channel: str
    message_id: int
    text: str
    text_masked: str
    created_at: datetime
    citizen_id: int | None = None
    group: str | None = None
    topic: str | None = None
    category_confidence: float | None = None
    municipality_id: str | None = None
    settlement_id: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    agency_id: str | None = None
    routing_confidence: float | None = None
    priority: str = Priority.NORMAL.value
    toxic: bool = False
    appeal_score: float | None = None
    explanation: list[str] = field(default_factory=list)
    first_response_due_at: datetime | None = None
    due_at: datetime | None = None
    answered_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    reject_reason: str | None = None
    duplicate_of_id: int | None = None
    redirect_count: int = 0
    assignee_id: int | None = None  # the person of the body working on it (staff_users.id)
    clock_paused_at: datetime | None = None  # the citizen is asked for details: the deadline clock stands still
    # Measures the dashboard reads (domain/analytics.py keeps them right as the appeal moves; docs/analytics.md).
    first_response_hours: float | None = None  # working hours from registration to the first response
    final_answer_hours: float | None = None  # working hours from registration to the final answer; None if reopened
    reopen_count: int = 0
    routed_by_machine: bool | None = None  # the first assignment: the machine's (True), a person's (False)
    corrected: bool = False  # a moderator corrected what the machine decided
    rating_score: int | None = None  # the citizen's latest rating
    rating_solved: bool | None = None
    id: int | None = None

    @property
    def status_enum(self) -> AppealStatus:
        return AppealStatus(self.status)

    def is_overdue(self, now: datetime) -> bool:
        """Still someone's work and past its deadline; never while the clock is paused for the citizen's details."""
        if self.clock_paused_at is not None:
            return False
        return self.due_at is not None and self.status_enum in OPEN_STATUSES and now > self.due_at

    @property
    def kind_enum(self) -> AppealKind:
        return AppealKind(self.kind)

    def transition(
        self,
        target: AppealStatus,
        *,
        actor: str,
        at: datetime,
        reason: str | None = None,
        agency_id: str | None = None,
        reject_reason: RejectReason | None = None,
        duplicate_of_id: int | None = None,
    ) -> AppealEvent:
        """Move to target if the machine allows it; the returned event is the only record of the change."""
        if self.id is None:
            raise RuntimeError("an appeal must be stored before it changes status")
        current = self.status_enum
        check_transition(current, target)
        data: dict[str, Any] = {}
        if target is AppealStatus.REJECTED:
            if reject_reason is None:
                raise InvalidInput("rejecting needs a reason: spam, not_an_appeal or duplicate")
            if reject_reason is RejectReason.DUPLICATE and duplicate_of_id is None:
                raise InvalidInput("rejecting as a duplicate needs the id of the original appeal")
            self.reject_reason = reject_reason.value
            self.duplicate_of_id = duplicate_of_id
            data["reject_reason"] = reject_reason.value
            if duplicate_of_id is not None:
                data["duplicate_of_id"] = duplicate_of_id
        if target in (AppealStatus.ASSIGNED, AppealStatus.REDIRECTED):
            data.update(self._change_agency(target, agency_id))
        self._stamp(target, at)
        self.status = target.value
        return AppealEvent(
            appeal_id=self.id,
            type=EventType.STATUS_CHANGED.value,
            at=at,
            actor=actor,
            from_status=current.value,
            to_status=target.value,
            reason=reason,
            data=data,
        )

    def _change_agency(self, target: AppealStatus, agency_id: str | None) -> dict[str, Any]:
        if target is AppealStatus.REDIRECTED:
            if not agency_id:
                raise InvalidInput("a redirect needs the id of the body the appeal goes to")
            if agency_id == self.agency_id:
                raise InvalidInput("a redirect must go to another body than the current one")
            self.redirect_count += 1
        new_agency = agency_id or self.agency_id
        if not new_agency:
            raise InvalidInput("assigning needs the id of the responsible body")
        change = {"from_agency_id": self.agency_id, "to_agency_id": new_agency}
        self.agency_id = new_agency
        return change

    def _stamp(self, target: AppealStatus, at: datetime) -> None:
        if target is AppealStatus.ANSWERED and self.answered_at is None:
            self.answered_at = at
        elif target is AppealStatus.RESOLVED:
            self.resolved_at = at
            self.answered_at = self.answered_at or at
        elif target is AppealStatus.CLOSED:
            self.closed_at = at
        elif target is AppealStatus.REOPENED:
            self.resolved_at = None
            self.closed_at = None
