"""Appeals: portal submission, reading with history, search, status transitions, replies, ratings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.domain.access import Principal
from otklik.domain.analytics import AppealSlice
from otklik.domain.appeal import Appeal
from otklik.domain.channels import Channel
from otklik.domain.errors import InvalidInput, NotFound
from otklik.domain.message import Author, InboundMessage, MessageOutcome
from otklik.domain.replies import ReplyKind
from otklik.domain.status import RejectReason, parse_status
from otklik.observability import APPEAL_TRANSITIONS, MESSAGES_RECEIVED
from otklik.services import appeal_search
from otklik.services import appeals as appeal_service
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.routers.analytics import SliceQuery, to_slice
from otklik.web.schemas.appeals import (
    AgencyOut,
    AppealDetailOut,
    AppealOut,
    AppealPage,
    CategoryOut,
    ContactsOut,
    CorrectionIn,
    DeliveryOut,
    EventOut,
    PortalAppealIn,
    RatingIn,
    RatingOut,
    ReplyIn,
    ReplyOut,
    TransitionIn,
    UnregisteredOut,
)
from otklik.web.schemas.fields import RowIdPath

router = APIRouter(prefix="/api/v1/appeals", tags=["appeals"])


def appeal_out(ctx: ServiceContext, appeal: Appeal) -> AppealOut:
    agency = ctx.reference.agency(appeal.agency_id) if appeal.agency_id else None
    municipality = ctx.reference.municipality(appeal.municipality_id) if appeal.municipality_id else None
    assert appeal.id is not None
    return AppealOut(
        id=appeal.id,
        number=appeal.number,
        status=appeal.status,
        kind=appeal.kind,
        channel=appeal.channel,
        priority=appeal.priority,
        category=CategoryOut(group=appeal.group, topic=appeal.topic, confidence=appeal.category_confidence),
        municipality=municipality.name if municipality else None,
        municipality_id=appeal.municipality_id,
        agency=AgencyOut(id=agency.id, name=agency.name, level=agency.level.value) if agency else None,
        text=appeal.text_masked,
        address=appeal.address,
        lat=appeal.lat,
        lon=appeal.lon,
        created_at=appeal.created_at,
        first_response_due_at=appeal.first_response_due_at,
        due_at=appeal.due_at,
        overdue=appeal.is_overdue(ctx.clock.now()),
        answered_at=appeal.answered_at,
        resolved_at=appeal.resolved_at,
        reject_reason=appeal.reject_reason,
        explanation=list(appeal.explanation),
    )


def _detail(ctx: ServiceContext, principal: Principal, appeal_id: int) -> AppealDetailOut:
    detail = appeal_service.get_detail(ctx, principal, appeal_id)
    base = appeal_out(ctx, detail.appeal).model_dump()
    return AppealDetailOut(
        **base,
        history=[EventOut.model_validate(e, from_attributes=True) for e in detail.history],
        replies=[ReplyOut.model_validate(r, from_attributes=True) for r in detail.replies],
        ratings=[RatingOut.model_validate(r, from_attributes=True) for r in detail.ratings],
        deliveries=[DeliveryOut.model_validate(d, from_attributes=True) for d in detail.deliveries],
    )


@router.post(
    "",
    status_code=201,
    response_model=AppealOut,
    responses={
        200: {"model": AppealOut, "description": "the same Idempotency-Key was sent before: the same appeal"},
        202: {"model": UnregisteredOut, "description": "accepted, waiting for the machine"},
        409: {"model": UnregisteredOut, "description": "not registered as an appeal"},
    },
)
def submit_appeal(
    body: PortalAppealIn,
    ctx: Ctx,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """A portal submission. Send an Idempotency-Key header to make retries safe: the same key is one appeal."""
    message = InboundMessage(
        channel=Channel.PORTAL,
        external_id=idempotency_key or f"portal-{uuid.uuid4()}",
        text=body.text,
        created_at=ctx.clock.now(),
        author=Author(name=body.citizen.name, phone=body.citizen.phone, email=body.citizen.email),
        lat=body.lat,
        lon=body.lon,
        address=body.address,
        formal=body.formal,
    )
    decision = receive_message(ctx, message)
    MESSAGES_RECEIVED.labels(Channel.PORTAL.value, decision.outcome.value).inc()
    if decision.appeal_id is None:
        status = 202 if decision.outcome is MessageOutcome.QUEUED else 409
        return JSONResponse({"message_id": decision.message_id, "decision": decision.outcome.value}, status_code=status)
    with ctx.uow(readonly=True) as uow:
        appeal = uow.appeals.get(decision.appeal_id)
    assert appeal is not None
    status = 200 if decision.outcome is MessageOutcome.DUPLICATE else 201
    return JSONResponse(appeal_out(ctx, appeal).model_dump(mode="json"), status_code=status)


@router.get("/{appeal_id}", response_model=AppealDetailOut)
def get_appeal(appeal_id: RowIdPath, ctx: Ctx, principal: StaffPrincipal) -> AppealDetailOut:
    """The appeal card, personal data masked; outside the reader's scope the appeal does not exist (404)."""
    return _detail(ctx, principal, appeal_id)


@router.get("/{appeal_id}/contacts", response_model=ContactsOut)
def get_contacts(appeal_id: RowIdPath, ctx: Ctx, principal: StaffPrincipal) -> ContactsOut:
    """The citizen's contacts and the unmasked text; the access is recorded in the appeal's history (152-ФЗ)."""
    found = appeal_service.contacts(ctx, principal, appeal_id)
    return ContactsOut(name=found.name, phone=found.phone, email=found.email, text=found.text, address=found.address)


@router.get("", response_model=AppealPage)
def search_appeals(
    ctx: Ctx,
    principal: StaffPrincipal,
    status: str | None = None,
    group: str | None = None,
    municipality: str | None = Query(None, description="municipality id (OKTMO) or name"),
    agency: str | None = None,
    q: str | None = Query(None, max_length=200, description="words of the masked text (any word form), or a number"),
    sort: Literal["relevance", "date"] = Query("relevance", description="with q: best matches, or newest, first"),
    overdue: bool = Query(False, description="only open appeals past their deadline"),
    start: date | None = Query(None, alias="from", description="registered on or after this day (region's time)"),
    end: date | None = Query(None, alias="to", description="registered on or before this day"),
    topic: str | None = Query(None, max_length=300),
    channel: str | None = Query(None, max_length=32),
    measure: str | None = Query(None, max_length=32, description="a dashboard figure's measure (docs/analytics.md)"),
    page: int = Query(1, ge=1, le=100_000, description="offset paging, slow at depth: prefer `cursor`"),
    per_page: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, max_length=200, description="the previous page's next_cursor (keyset paging)"),
) -> AppealPage:
    if status is not None:
        parse_status(status)
    if group is not None and ctx.reference.rubricator.group(group) is None:
        raise InvalidInput(f"unknown group {group!r}; see /api/v1/reference/categories")
    if agency is not None and ctx.reference.agency(agency) is None:
        raise InvalidInput(f"unknown agency {agency!r}; see /api/v1/reference/agencies")
    part = drilldown_slice(ctx, start, end, topic, channel, measure, group)
    filters = AppealFilter(
        status,
        group,
        _municipality_id(ctx, municipality),
        agency,
        q,
        overdue_at=ctx.clock.now() if overdue else None,
        slice=part,
        measured_at=ctx.clock.now(),
        sort=sort,
        page=page,
        per_page=per_page,
        cursor=cursor,
        exact_total=is_figure(part),
    )
    found = appeal_service.list_page(ctx, principal, filters)
    items = found.items
    marks = appeal_search.highlights(ctx, principal, q, items) if q and q.strip() else {}
    out = [appeal_out(ctx, a).model_copy(update={"highlight": marks.get(a.id or 0)}) for a in items]
    return AppealPage(
        items=out,
        total=found.total,
        total_capped=found.total_capped,
        page=page,
        per_page=per_page,
        next_cursor=found.next_cursor,
    )


def is_figure(part: AppealSlice | None) -> bool:
    """A dashboard figure's drill-down (a period or a measure): its total is counted exactly, as the figure is;
    every other list counts up to 10 000 (docs/reads-at-scale.md)."""
    return part is not None and (part.start is not None or part.end is not None or part.measure is not None)


def drilldown_slice(
    ctx: ServiceContext,
    start: date | None,
    end: date | None,
    topic: str | None,
    channel: str | None,
    measure: str | None,
    group: str | None,
) -> AppealSlice | None:
    """The dashboard's filters the list did not have (period, topic, channel, measure); None without any."""
    if start is None and end is None and topic is None and channel is None and measure is None:
        return None
    found = to_slice(ctx, SliceQuery(start, end, None, group, topic, None, channel, measure))
    return found.narrowed(group=None)  # the group is the list's own filter


def _municipality_id(ctx: ServiceContext, value: str | None) -> str | None:
    if value is None:
        return None
    found = ctx.reference.municipality(value) or ctx.reference.municipality_by_name(value)
    if found is None:
        raise InvalidInput(f"unknown municipality {value!r}; see /api/v1/reference/municipalities")
    return found.id


@router.post("/{appeal_id}/transitions", response_model=AppealDetailOut)
def transition(appeal_id: RowIdPath, body: TransitionIn, ctx: Ctx, principal: StaffPrincipal) -> AppealDetailOut:
    request = appeal_service.TransitionRequest(
        to=parse_status(body.to),
        reason=body.reason,
        agency_id=body.agency_id,
        reject_reason=RejectReason(body.reject_reason) if body.reject_reason else None,
        duplicate_of_id=body.duplicate_of,
    )
    appeal = appeal_service.change_status(ctx, principal, appeal_id, request)
    APPEAL_TRANSITIONS.labels(request.to.value).inc()
    try:
        return _detail(ctx, principal, appeal_id)
    except NotFound:
        # The change took the appeal out of the person's scope (a body's redirect: it is no longer theirs).
        # They still get the result of their own action, without the history that is no longer theirs to read.
        return AppealDetailOut(
            **appeal_out(ctx, appeal).model_dump(), history=[], replies=[], ratings=[], deliveries=[]
        )


@router.post("/{appeal_id}/replies", status_code=201, response_model=AppealDetailOut)
def reply(appeal_id: RowIdPath, body: ReplyIn, ctx: Ctx, principal: StaffPrincipal) -> AppealDetailOut:
    """The body's answer; the author is the signed-in person."""
    appeal_service.add_reply(ctx, principal, appeal_id, kind=ReplyKind(body.kind), text=body.text)
    return _detail(ctx, principal, appeal_id)


@router.post("/{appeal_id}/ratings", status_code=201, response_model=AppealDetailOut)
def rate(appeal_id: RowIdPath, body: RatingIn, ctx: Ctx, principal: StaffPrincipal) -> AppealDetailOut:
    """A moderator records the rating a citizen gave by phone; citizens rate in their own channel."""
    appeal_service.rate(ctx, principal, appeal_id, score=body.score, solved=body.solved, comment=body.comment)
    return _detail(ctx, principal, appeal_id)


@router.post("/{appeal_id}/corrections", response_model=AppealDetailOut)
def correct(appeal_id: RowIdPath, body: CorrectionIn, ctx: Ctx, principal: StaffPrincipal) -> AppealDetailOut:
    """A moderator fixes topic or place; the fix is history and training data (`otklik model train`)."""
    correction = appeal_service.Correction(body.group, body.topic, body.municipality_id, body.reason)
    appeal_service.correct(ctx, principal, appeal_id, correction)
    return _detail(ctx, principal, appeal_id)
