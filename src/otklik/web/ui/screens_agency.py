"""My agency's appeals: the body's open appeals with deadline countdowns (overdue on top), take into work,
interim and final answers (with a template; reviewed answers show their flags and the moderator's comment),
redirect with a justification, extensions; for the head the backlog by person, reassignment and the extensions
waiting for a decision.

Every action is a CSRF-checked form calling the same use cases as the API (services/backlog.py, answers.py,
extensions.py, appeals.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from otklik.domain.access import Action, Role
from otklik.domain.errors import DomainError
from otklik.domain.replies import ReplyKind
from otklik.domain.status import AppealStatus
from otklik.services import answers as answer_service
from otklik.services import appeal_files
from otklik.services import appeals as appeal_service
from otklik.services import backlog as backlog_service
from otklik.services import extensions as extension_service
from otklik.services.answers import AnswerTemplate
from otklik.services.context import ServiceContext
from otklik.services.staff_reminders import reminders_for
from otklik.web.dependencies import Ctx
from otklik.web.ui.rendering import local_time
from otklik.web.ui.session import CsrfSession, Session, UiSession
from otklik.web.ui.views import (
    AppealRow,
    DraftView,
    Names,
    appeal_row,
    done,
    draft_view,
    extension_view,
    page,
    refused,
    safe_back,
)

router = APIRouter(prefix="/ui", include_in_schema=False)
AGENCY = "/ui/agency"

Back = Annotated[str, Form(max_length=500)]
Text = Annotated[str, Form(max_length=20_000)]


@dataclass(frozen=True)
class AgencyEntry:
    row: AppealRow
    assignee: str
    mine: bool
    draft: DraftView | None  # the latest final answer's draft: on review, or returned with a comment
    templates: list[AnswerTemplate]


def agency_choices(ctx: ServiceContext, current_agency_id: str | None) -> dict[str, Any]:
    """The bodies an appeal can be redirected to (the moderators decide a body's proposal)."""
    names = Names(ctx)
    others = [(a.id, a.name) for a in ctx.reference.agencies if a.active and a.id != current_agency_id]
    return {"redirect_agencies": sorted(others, key=lambda pair: pair[1]), "agency_name": names.agency}


REMINDER_RU = {"50%": "прошла половина срока", "80%": "осталось меньше 20 % срока", "overdue": "просрочено"}


@router.get("/agency", response_class=HTMLResponse)
def agency_appeals(request: Request, ctx: Ctx, session: Session, mine: bool = False) -> HTMLResponse:
    principal = session.principal
    appeals = backlog_service.my_agency_appeals(ctx, principal, mine_only=mine)
    assignees = [a.assignee_id for a in appeals if a.assignee_id is not None]
    people = backlog_service.people_by_id(ctx, assignees)
    names, now = Names(ctx), ctx.clock.now()
    entries = [
        AgencyEntry(
            appeal_row(a, names, now),
            people[a.assignee_id].name if a.assignee_id in people else "не распределено",
            a.assignee_id is not None and a.assignee_id == principal.user_id,
            latest_draft(ctx, session, a.id),
            answer_service.templates_for(ctx, a.group, a.topic),
        )
        for a in appeals
        if a.id is not None
    ]
    backlog, extensions = None, []
    if principal.role is Role.AGENCY_HEAD:
        backlog = backlog_service.agency_backlog(ctx, principal)
    if principal.can(Action.APPROVE_EXTENSION):
        extensions = [extension_view(e) for e in extension_service.pending_extensions(ctx, principal)]
    return page(
        request,
        "ui/agency.html",
        session,
        entries=entries,
        mine=mine,
        agency=names.agency(principal.agency_id),
        backlog=backlog,
        colleagues=[p for p in backlog.people if p.login] if backlog else [],
        nearest=lambda value: local_time(value) if value else "—",
        extensions=extensions,
        reminders=reminders_for(ctx, principal, days=7, limit=20),
        REMINDER_RU=REMINDER_RU,
        numbers={e.row.id: e.row.number for e in entries},
        can_work=principal.can(Action.WORK),
        can_extend=principal.can(Action.REQUEST_EXTENSION),
        can_reassign=principal.can(Action.REASSIGN),
        **agency_choices(ctx, principal.agency_id),
    )


def latest_draft(ctx: ServiceContext, session: UiSession, appeal_id: int) -> DraftView | None:
    drafts = answer_service.drafts_of(ctx, session.principal, appeal_id)
    return draft_view(drafts[-1]) if drafts else None


# --- actions -----------------------------------------------------------------------------------------------


@router.post("/agency/{appeal_id}/take")
def take(appeal_id: int, ctx: Ctx, session: CsrfSession, back: Back = AGENCY) -> Response:
    url = safe_back(back, AGENCY)
    try:
        appeal = backlog_service.take(ctx, session.principal, appeal_id)
    except DomainError as error:
        return refused(url, error)
    return done(url, f"Обращение {appeal.number} взято в работу.")


@router.post("/agency/{appeal_id}/interim")
def interim(appeal_id: int, ctx: Ctx, session: CsrfSession, text: Text, back: Back = AGENCY) -> Response:
    url = safe_back(back, AGENCY)
    try:
        appeal_service.add_reply(ctx, session.principal, appeal_id, kind=ReplyKind.INTERIM, text=text)
    except DomainError as error:
        return refused(url, error)
    return done(url, "Промежуточный ответ отправлен заявителю.")


async def _uploads(request: Request) -> list[appeal_files.Upload]:
    """The chosen files; an empty file input sends one nameless empty part, which is no file."""
    uploads = []
    for item in (await request.form()).getlist("files"):  # the form is parsed once, for the CSRF check
        if not isinstance(item, UploadFile):
            continue
        data = await item.read(appeal_files.MAX_ANSWER_FILE_BYTES + 1)  # one byte over the limit is enough
        if item.filename or data:
            uploads.append(appeal_files.Upload(item.filename or "file", item.content_type or "", data))
    return uploads


@router.post("/agency/{appeal_id}/final")
async def final(
    request: Request,
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    text: Text,
    template_id: Annotated[str, Form(max_length=100)] = "",
    back: Back = AGENCY,
) -> Response:
    """The form is multipart: optional files (PDF/JPEG/PNG) go with the answer."""
    uploads = await _uploads(request)
    return await run_in_threadpool(_final, request, ctx, session, appeal_id, text, template_id, back, uploads)


def _final(
    request: Request,
    ctx: ServiceContext,
    session: UiSession,
    appeal_id: int,
    text: str,
    template_id: str,
    back: str,
    uploads: list[appeal_files.Upload],
) -> Response:
    url = safe_back(back, AGENCY)
    try:
        draft = answer_service.submit_final_answer(
            ctx, session.principal, appeal_id, text, template_id=template_id or None, attachments=uploads
        )
    except DomainError as error:
        if uploads and error.http_status in (413, 422):
            # A refused file: the form comes back (on the card) with the reason, nothing was stored.
            from otklik.web.ui.screens_appeal import card_with_error  # the card imports this module

            return card_with_error(request, ctx, session, appeal_id, error)
        return refused(url, error)
    if draft.review_required:
        return done(url, "Окончательный ответ отправлен на проверку модератору: заявитель получит его после одобрения.")
    return done(url, "Окончательный ответ опубликован и отправлен заявителю.")


@router.post("/agency/{appeal_id}/redirect")
def redirect(
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    agency_id: Annotated[str, Form(max_length=100)],
    reason: Annotated[str, Form(max_length=2000)],
    back: Back = AGENCY,
) -> Response:
    url = safe_back(back, AGENCY)
    request = appeal_service.TransitionRequest(AppealStatus.REDIRECTED, reason=reason.strip(), agency_id=agency_id)
    try:
        appeal_service.change_status(ctx, session.principal, appeal_id, request)
    except DomainError as error:
        return refused(url, error)
    # The body's redirect goes back to moderation: the card may no longer be in its scope.
    target = url if not url.startswith("/ui/appeals/") or not session.principal.agency_id else AGENCY
    return done(target, f"Предложено передать в «{Names(ctx).agency(agency_id)}»: решит модератор.")


@router.post("/agency/{appeal_id}/reassign")
def reassign(
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    assignee: Annotated[str, Form(max_length=100)],
    back: Back = AGENCY,
) -> Response:
    url = safe_back(back, AGENCY)
    try:
        appeal = backlog_service.reassign(ctx, session.principal, appeal_id, assignee)
    except DomainError as error:
        return refused(url, error)
    return done(url, f"Обращение {appeal.number} передано исполнителю {assignee}.")


@router.post("/agency/{appeal_id}/extension")
def request_extension(
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    days: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=2000)],
    back: Back = AGENCY,
) -> Response:
    url = safe_back(back, AGENCY)
    try:
        extension_service.request_extension(ctx, session.principal, appeal_id, days, reason)
    except DomainError as error:
        return refused(url, error)
    return done(url, f"Запрошено продление срока на {days} дн.: решит руководитель органа.")


@router.post("/agency/extensions/{extension_id}/decide")
def decide_extension(
    extension_id: int,
    ctx: Ctx,
    session: CsrfSession,
    decision: Annotated[str, Form(max_length=10)],
    comment: Annotated[str, Form(max_length=2000)] = "",
    back: Back = AGENCY,
) -> Response:
    url = safe_back(back, AGENCY)
    approve = decision == "approve"
    try:
        extension_service.decide_extension(ctx, session.principal, extension_id, approve, comment.strip() or None)
    except DomainError as error:
        return refused(url, error)
    return done(url, "Продление одобрено: срок перенесён." if approve else "В продлении отказано.")
