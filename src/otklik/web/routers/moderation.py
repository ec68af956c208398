"""The moderators' queue and the bodies' backlog: queue, accept, bulk, «not an appeal» review, live stream,
backlog, the body's list, take and reassign. The rules are the services'; this module only speaks HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from otklik.domain.appeal import Appeal
from otklik.domain.status import RejectReason
from otklik.services import backlog as backlog_service
from otklik.services import moderation as moderation_service
from otklik.services.context import ServiceContext
from otklik.services.moderation import NotAppealItem, QueueItem
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.live_stream import scoped_event_stream
from otklik.web.routers.appeals import appeal_out
from otklik.web.schemas.appeals import AppealOut
from otklik.web.schemas.fields import RowIdPath
from otklik.web.schemas.moderation import (
    AgencyAppealOut,
    AssigneeIn,
    AssigneeOut,
    BacklogOut,
    BulkIn,
    BulkOut,
    NotAppealOut,
    PersonLoadOut,
    PromoteIn,
    QueueItemOut,
    RedirectRequestOut,
    SuggestionOut,
)

router = APIRouter(tags=["moderation"])


def _queue_item_out(ctx: ServiceContext, item: QueueItem) -> QueueItemOut:
    appeal, suggestion = item.appeal, item.suggestion
    municipality = ctx.reference.municipality(suggestion.municipality_id) if suggestion.municipality_id else None
    agency = ctx.reference.agency(suggestion.agency_id) if suggestion.agency_id else None
    assert appeal.id is not None
    return QueueItemOut(
        id=appeal.id,
        number=appeal.number,
        status=appeal.status,
        channel=appeal.channel,
        priority=appeal.priority,
        text=appeal.text_masked,
        created_at=appeal.created_at,
        due_at=appeal.due_at,
        overdue=appeal.is_overdue(ctx.clock.now()),
        suggestion=SuggestionOut(
            group=suggestion.group,
            topic=suggestion.topic,
            category_confidence=suggestion.category_confidence,
            municipality_id=suggestion.municipality_id,
            municipality=municipality.name if municipality else None,
            agency_id=suggestion.agency_id,
            agency=agency.name if agency else None,
            routing_confidence=suggestion.routing_confidence,
        ),
        explanation=item.explanation,
        redirect=RedirectRequestOut(**vars(item.redirect)) if item.redirect else None,
    )


@router.get("/api/v1/moderation/queue", response_model=list[QueueItemOut])
def queue(ctx: Ctx, principal: StaffPrincipal, limit: int = Query(100, ge=1, le=500)) -> list[QueueItemOut]:
    """Appeals waiting for a moderator in the reader's scope: nearest deadline, then high priority, then oldest."""
    return [_queue_item_out(ctx, item) for item in moderation_service.moderation_queue(ctx, principal, limit=limit)]


@router.post("/api/v1/moderation/queue/{appeal_id}/accept", response_model=AppealOut)
def accept(appeal_id: RowIdPath, ctx: Ctx, principal: StaffPrincipal) -> AppealOut:
    """Agree with the machine: assigned to the proposed body (422 when there is none)."""
    return appeal_out(ctx, moderation_service.accept(ctx, principal, appeal_id))


@router.post("/api/v1/moderation/bulk", response_model=BulkOut)
def bulk(body: BulkIn, ctx: Ctx, principal: StaffPrincipal) -> BulkOut:
    """One action on up to 200 appeals, each on its own: what failed is listed with the reason."""
    result = moderation_service.bulk(
        ctx,
        principal,
        body.appeal_ids,
        body.action,
        reject_reason=RejectReason(body.reject_reason) if body.reject_reason else None,
        agency_id=body.agency_id,
        reason=body.reason,
    )
    return BulkOut(done=result.done, failed=result.failed)


def _not_appeal_out(item: NotAppealItem) -> NotAppealOut:
    return NotAppealOut(
        message_id=item.message_id,
        channel=item.channel,
        received_at=item.received_at,
        text=item.text_masked,
        appeal_score=item.appeal_score,
        threshold=item.threshold,
        municipality_id=item.municipality_id,
        reason=item.reason,
    )


@router.get("/api/v1/moderation/not-appeals", response_model=list[NotAppealOut])
def not_appeals(ctx: Ctx, principal: StaffPrincipal, limit: int = Query(50, ge=1, le=200)) -> list[NotAppealOut]:
    """Messages of the last 7 days judged «not an appeal», those nearest the threshold first."""
    return [_not_appeal_out(item) for item in moderation_service.not_appeals(ctx, principal, limit=limit)]


@router.post("/api/v1/moderation/not-appeals/{message_id}/promote", status_code=201, response_model=AppealOut)
def promote(message_id: RowIdPath, ctx: Ctx, principal: StaffPrincipal, body: PromoteIn | None = None) -> AppealOut:
    """Register the message as an appeal (into the moderators' queue); a second time: 409."""
    appeal = moderation_service.promote(ctx, principal, message_id, reason=body.reason if body else None)
    return appeal_out(ctx, appeal)


@router.get("/api/v1/moderation/stream")
def stream(ctx: Ctx, principal: StaffPrincipal) -> StreamingResponse:
    """Server-sent events: each registered or changed appeal in the reader's scope as
    `data: {"appeal_id", "status", "municipality_id", …}`; a comment line every 15 s while it is quiet."""
    return scoped_event_stream(ctx, principal)


# --- the body's backlog ------------------------------------------------------------------------------------
def _agency_appeals_out(ctx: ServiceContext, appeals: list[Appeal]) -> list[AgencyAppealOut]:
    people = backlog_service.people_by_id(ctx, [a.assignee_id for a in appeals if a.assignee_id is not None])
    result = []
    for appeal in appeals:
        person = people.get(appeal.assignee_id) if appeal.assignee_id is not None else None
        assignee = AssigneeOut(user_id=person.id, login=person.login, name=person.name) if person else None
        result.append(AgencyAppealOut(**appeal_out(ctx, appeal).model_dump(), assignee=assignee))
    return result


@router.get("/api/v1/agency/backlog", response_model=BacklogOut)
def agency_backlog(
    ctx: Ctx,
    principal: StaffPrincipal,
    agency: str | None = Query(None, description="the body (administrators); a head sees their own"),
) -> BacklogOut:
    found = backlog_service.agency_backlog(ctx, principal, agency_id=agency)
    return BacklogOut(
        agency_id=found.agency_id,
        agency=found.agency_name,
        open=found.open,
        overdue=found.overdue,
        people=[PersonLoadOut(**vars(p)) for p in found.people],
    )


@router.get("/api/v1/agency/appeals", response_model=list[AgencyAppealOut])
def agency_appeals(
    ctx: Ctx, principal: StaffPrincipal, mine: bool = Query(False, description="only those I work on")
) -> list[AgencyAppealOut]:
    """The body's open appeals: overdue first, then by deadline."""
    return _agency_appeals_out(ctx, backlog_service.my_agency_appeals(ctx, principal, mine_only=mine))


@router.post("/api/v1/appeals/{appeal_id}/take", response_model=AgencyAppealOut)
def take(appeal_id: RowIdPath, ctx: Ctx, principal: StaffPrincipal) -> AgencyAppealOut:
    """The signed-in executor takes the appeal: it becomes theirs and goes «in progress»."""
    return _agency_appeals_out(ctx, [backlog_service.take(ctx, principal, appeal_id)])[0]


@router.post("/api/v1/appeals/{appeal_id}/assignee", response_model=AgencyAppealOut)
def reassign(appeal_id: RowIdPath, body: AssigneeIn, ctx: Ctx, principal: StaffPrincipal) -> AgencyAppealOut:
    """The head gives the appeal to another executor of the same body."""
    return _agency_appeals_out(ctx, [backlog_service.reassign(ctx, principal, appeal_id, body.login)])[0]
