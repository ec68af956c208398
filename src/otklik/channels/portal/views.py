"""The citizen's view of their appeal: statuses in Russian, answers, notices, and the reopen deadline."""

from __future__ import annotations

from otklik.adapters.db.repositories.accounts import AccountRecord
from otklik.channels.portal.schemas import (
    STATUS_LABELS,
    AccountOut,
    AnswerOut,
    CitizenAppealDetailOut,
    CitizenAppealOut,
    NoticeOut,
    RatingOut,
    StepOut,
)
from otklik.domain.appeal import Appeal
from otklik.domain.events import EventType
from otklik.services.appeals import AppealDetail, reopen_until
from otklik.services.context import ServiceContext


def account_view(account: AccountRecord, consent_version: str) -> AccountOut:
    return AccountOut(
        id=account.id,
        name=account.name,
        email=account.email,
        phone=account.phone,
        consent_at=account.consent_at,
        consent_version=account.consent_version,
        consent_needed=account.consent_at is None or account.consent_version != consent_version,
        created_at=account.created_at,
    )


def appeal_view(ctx: ServiceContext, appeal: Appeal) -> CitizenAppealOut:
    assert appeal.id is not None
    return CitizenAppealOut(**_fields(ctx, appeal))


def _fields(ctx: ServiceContext, appeal: Appeal) -> dict[str, object]:
    agency = ctx.reference.agency(appeal.agency_id) if appeal.agency_id else None
    return {
        "id": appeal.id,
        "number": appeal.number,
        "status": appeal.status,
        "status_label": STATUS_LABELS.get(appeal.status, appeal.status),
        "text": appeal.text,  # the citizen's own text, unmasked: it is shown only to its author
        "group": appeal.group,
        "topic": appeal.topic,
        "agency": agency.name if agency else None,
        "address": appeal.address,
        "created_at": appeal.created_at,
        "due_at": appeal.due_at,
        "resolved_at": appeal.resolved_at,
        "reopen_until": reopen_until(ctx, appeal),
    }


def detail_view(ctx: ServiceContext, detail: AppealDetail) -> CitizenAppealDetailOut:
    """Only what concerns the citizen: status steps, answers, notices; not moderators' notes or model output."""
    steps = [
        StepOut(at=e.at, status=e.to_status, status_label=STATUS_LABELS.get(e.to_status, e.to_status))
        for e in detail.history
        if e.to_status and e.type in (EventType.REGISTERED.value, EventType.STATUS_CHANGED.value)
    ]
    answers = []
    for reply in detail.replies:
        agency = ctx.reference.agency(reply.agency_id) if reply.agency_id else None
        answers.append(
            AnswerOut(
                kind=reply.kind, text=reply.text, agency=agency.name if agency else None, created_at=reply.created_at
            )
        )
    notices = [
        NoticeOut(kind=d.kind, text=d.text, created_at=d.created_at, status=d.status)
        for d in detail.deliveries
        if d.channel == "portal"
    ]
    ratings = [
        RatingOut(score=r.score, solved=r.solved, comment=r.comment, created_at=r.created_at) for r in detail.ratings
    ]
    return CitizenAppealDetailOut(
        **_fields(ctx, detail.appeal), history=steps, answers=answers, notices=notices, ratings=ratings
    )
