"""The appeal's state machine: which status may follow which, and what a change must carry."""

from __future__ import annotations

from enum import StrEnum

from otklik.domain.errors import IllegalTransition, InvalidInput


class AppealStatus(StrEnum):
    NEW = "new"
    NEEDS_MODERATION = "needs_moderation"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"  # an interim answer was given
    RESOLVED = "resolved"  # the final answer is published
    CLOSED = "closed"
    REOPENED = "reopened"  # the citizen says the problem is not solved
    REJECTED = "rejected"
    REDIRECTED = "redirected"  # sent to another body, waiting for it to take the appeal


class RejectReason(StrEnum):
    SPAM = "spam"
    NOT_AN_APPEAL = "not_an_appeal"
    DUPLICATE = "duplicate"


S = AppealStatus

# Keyed by target status: the statuses an appeal may come from. Each target is reached by one action, so
# the API can name the target and the machine stays a single table that tests can enumerate.
ALLOWED_FROM: dict[AppealStatus, frozenset[AppealStatus]] = {
    S.NEEDS_MODERATION: frozenset({S.NEW, S.REJECTED, S.REDIRECTED, S.ASSIGNED}),
    S.ASSIGNED: frozenset({S.NEW, S.NEEDS_MODERATION, S.REOPENED, S.REDIRECTED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.REOPENED, S.REDIRECTED, S.ANSWERED}),
    S.ANSWERED: frozenset({S.ASSIGNED, S.IN_PROGRESS}),
    S.RESOLVED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED, S.REOPENED}),
    S.CLOSED: frozenset({S.RESOLVED}),
    S.REOPENED: frozenset({S.RESOLVED, S.CLOSED}),
    S.REJECTED: frozenset({S.NEW, S.NEEDS_MODERATION, S.ASSIGNED}),
    S.REDIRECTED: frozenset({S.NEEDS_MODERATION, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED, S.REOPENED, S.REDIRECTED}),
}

# Statuses in which the appeal is still someone's work (deadlines run, reminders fire).
OPEN_STATUSES = frozenset({S.NEW, S.NEEDS_MODERATION, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED, S.REOPENED, S.REDIRECTED})


def check_transition(current: AppealStatus, target: AppealStatus) -> None:
    """Raise IllegalTransition unless the machine allows current → target."""
    allowed = ALLOWED_FROM.get(target, frozenset())
    if current not in allowed:
        sources = ", ".join(sorted(s.value for s in allowed)) or "nowhere"
        raise IllegalTransition(
            f"cannot move an appeal from {current.value!r} to {target.value!r}; "
            f"{target.value!r} can only be reached from: {sources}"
        )


def parse_status(value: str) -> AppealStatus:
    """The status named by value, or a clear error listing the known ones."""
    try:
        return AppealStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in AppealStatus)
        raise InvalidInput(f"unknown status {value!r}; known statuses: {known}") from None
