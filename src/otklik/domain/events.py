"""The append-only history of an appeal: every change is an event; nothing is edited or deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    REGISTERED = "registered"
    ANALYSED = "analysed"
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    REDIRECTED = "redirected"
    REPLY_ADDED = "reply_added"
    RATED = "rated"
    DEADLINE_SET = "deadline_set"
    NOTIFICATION_QUEUED = "notification_queued"
    DELIVERY_FAILED = "delivery_failed"
    CORRECTED = "corrected"  # a moderator fixed topic, place or body: training data for the models
    PERSONAL_DATA_VIEWED = "personal_data_viewed"  # 152-ФЗ: someone opened the citizen's contacts unmasked
    DEADLINE_REMINDER = "deadline_reminder"  # 50 %, 80 % of the time gone, or overdue (escalated to moderators)
    PROMOTED = "promoted"  # a moderator turned a message judged «not an appeal» into one: detector training data
    REASSIGNED = "reassigned"  # the person of the body working on it changed (agency head, or an executor took it)
    ANSWER_SUBMITTED = "answer_submitted"  # a final answer waits for a moderator («на проверке»)
    ANSWER_APPROVED = "answer_approved"  # a moderator approved it (perhaps edited): published
    ANSWER_RETURNED = "answer_returned"  # a moderator returned it to the executor with a comment
    EXTENSION_REQUESTED = "extension_requested"  # 59-ФЗ art. 12 p. 2
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"
    DETAILS_REQUESTED = "details_requested"  # the citizen is asked for details: the deadline clock pauses
    DETAILS_RECEIVED = "details_received"  # the citizen answered: the clock restarts, the deadline moves on
    INCIDENT_LINKED = "incident_linked"  # grouped with other reports of the same problem (domain/incidents.py)
    INCIDENT_CONFIRMED = "incident_confirmed"  # a moderator agreed it is one problem
    INCIDENT_SPLIT = "incident_split"  # a moderator took it out of the incident: a problem of its own


@dataclass
class AppealEvent:
    appeal_id: int
    type: str
    at: datetime
    actor: str
    from_status: str | None = None
    to_status: str | None = None
    reason: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
