"""The appeal card: the masked text, the point, the engine's reading, the whole history in Russian, replies,
ratings, deliveries; «Показать контакты» (a recorded 152-ФЗ access) and the actions the person's role allows.

The actions post to the moderation and agency screens' endpoints with `back` set to this card."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from otklik.domain.access import Action, Principal
from otklik.domain.errors import DomainError
from otklik.domain.status import AppealStatus
from otklik.services import answers as answer_service
from otklik.services import appeal_files, clarifications
from otklik.services import appeals as appeal_service
from otklik.services import extensions as extension_service
from otklik.services import incidents as incident_service
from otklik.services.context import ServiceContext
from otklik.web.dependencies import Ctx
from otklik.web.ui.files import file_response
from otklik.web.ui.rendering import local_time
from otklik.web.ui.screens_agency import agency_choices
from otklik.web.ui.screens_moderation import choices
from otklik.web.ui.session import CsrfSession, Session, UiSession
from otklik.web.ui.views import (
    REPLY_RU,
    Names,
    appeal_row,
    delivery_line,
    done,
    doubtful,
    draft_view,
    event_line,
    extension_view,
    page,
    percent,
    safe_back,
)

router = APIRouter(prefix="/ui", include_in_schema=False)

_MODERATION = frozenset({AppealStatus.NEW, AppealStatus.NEEDS_MODERATION})
_WORK = frozenset({AppealStatus.ASSIGNED, AppealStatus.IN_PROGRESS, AppealStatus.ANSWERED, AppealStatus.REOPENED})


def allowed_actions(principal: Principal, status: AppealStatus) -> dict[str, bool]:
    """What the card offers: the role's rights (the services enforce them anyway) and what the status permits."""
    return {
        "contacts": principal.can(Action.SEE_CONTACTS),
        "moderate": principal.can(Action.MODERATE) and status in _MODERATION,
        "route": principal.can(Action.ROUTE) and status in _MODERATION,
        "reject": principal.can(Action.REJECT) and status in _MODERATION | {AppealStatus.ASSIGNED},
        "work": principal.can(Action.WORK) and status in _WORK | {AppealStatus.REDIRECTED},
        "redirect": principal.can(Action.REDIRECT) and status in _WORK,
        "ask": principal.can(Action.ASK_DETAILS) and status not in {AppealStatus.CLOSED, AppealStatus.REJECTED},
        "extension": principal.can(Action.REQUEST_EXTENSION) and status in _WORK,
    }


def _card(request: Request, ctx: ServiceContext, session: UiSession, appeal_id: int, **extra: Any) -> HTMLResponse:
    detail = appeal_service.get_detail(ctx, session.principal, appeal_id)
    appeal, names = detail.appeal, Names(ctx)
    principal = session.principal
    return page(
        request,
        "ui/appeal.html",
        session,
        appeal=appeal,
        row=appeal_row(appeal, names, ctx.clock.now(), text_length=100_000),
        reading={
            "group": appeal.group or "—",
            "topic": appeal.topic or "—",
            "category_confidence": percent(appeal.category_confidence),
            "category_doubtful": doubtful(appeal.category_confidence),
            "municipality": names.municipality(appeal.municipality_id),
            "agency": names.agency(appeal.agency_id),
            "routing_confidence": percent(appeal.routing_confidence),
            "routing_doubtful": doubtful(appeal.routing_confidence),
            "explanation": list(appeal.explanation),
        },
        history=[event_line(e, names) for e in detail.history],
        replies=[
            {"at": local_time(r.created_at), "kind": REPLY_RU.get(r.kind, r.kind), "text": r.text, "author": r.author}
            for r in detail.replies
        ],
        ratings=[
            {"at": local_time(r.created_at), "score": r.score, "solved": r.solved, "comment": r.comment}
            for r in detail.ratings
        ],
        deliveries=[delivery_line(d) for d in detail.deliveries],
        drafts=[draft_view(d) for d in answer_service.drafts_of(ctx, principal, appeal_id)],
        photos=appeal_files.photos_of(ctx, principal, appeal_id),
        answer_files=appeal_files.answer_files_of(ctx, principal, appeal_id),
        extensions=[extension_view(e) for e in extension_service.extensions_of(ctx, principal, appeal_id)],
        answer_templates=answer_service.templates_for(ctx, appeal.group, appeal.topic),
        can=allowed_actions(principal, appeal.status_enum),
        incident=incident_service.incident_of_appeal(ctx, principal, appeal_id),
        back=f"/ui/appeals/{appeal_id}",
        **choices(ctx, principal),
        **agency_choices(ctx, appeal.agency_id),
        **extra,
    )


@router.get("/appeals/{appeal_id}", response_class=HTMLResponse)
def card(request: Request, ctx: Ctx, session: Session, appeal_id: int) -> HTMLResponse:
    return _card(request, ctx, session, appeal_id)


def card_with_error(
    request: Request, ctx: ServiceContext, session: UiSession, appeal_id: int, error: DomainError
) -> HTMLResponse:
    """The card again with the reason a form was refused, under the status of the refusal (422, 413)."""
    return _card(request, ctx, session, appeal_id, status_code=error.http_status, form_error=error.reason)


@router.get("/appeals/{appeal_id}/photos/{photo_id}")
def photo(ctx: Ctx, session: Session, appeal_id: int, photo_id: int) -> Response:
    """A photo the citizen sent with the appeal, for whoever may read the appeal (404 outside the scope)."""
    return file_response(appeal_files.photo_file(ctx, session.principal, appeal_id, photo_id), images_only=True)


@router.get("/answers/{draft_id}/files/{file_id}")
def answer_file(ctx: Ctx, session: Session, draft_id: int, file_id: int) -> Response:
    """A file attached to a final answer, scoped through the answer's appeal."""
    return file_response(appeal_files.answer_file(ctx, session.principal, draft_id, file_id))


@router.post("/appeals/{appeal_id}/contacts", response_class=HTMLResponse)
def contacts(request: Request, ctx: Ctx, session: CsrfSession, appeal_id: int) -> HTMLResponse:
    """The citizen's contacts on this one answer (never in a URL or a cookie); the service records the access."""
    found = appeal_service.contacts(ctx, session.principal, appeal_id)
    return _card(request, ctx, session, appeal_id, contacts=found)


@router.post("/appeals/{appeal_id}/ask")
def ask_details(
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    question: Annotated[str, Form(max_length=4000)],
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A request to the citizen for details (moderators and the body alike)."""
    url = safe_back(back, f"/ui/appeals/{appeal_id}")
    try:
        clarifications.ask_details(ctx, session.principal, appeal_id, question)
    except DomainError as error:
        if error.http_status in (403, 404):
            raise
        return done(url, error.reason, error=True)
    return done(url, "Запрос уточнений отправлен заявителю.")
