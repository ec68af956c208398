"""Answer QA: final answers waiting for a moderator, each with the appeal's text, the draft and the checker's
flags in Russian; approve (perhaps edited first) or return with a comment (services/answers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from otklik.domain.access import Action, authorize
from otklik.domain.errors import DomainError
from otklik.services import answers as answer_service
from otklik.services import appeal_files
from otklik.services import appeals as appeal_service
from otklik.web.dependencies import Ctx
from otklik.web.ui.session import CsrfSession, Session
from otklik.web.ui.views import DraftView, Names, done, draft_view, page, refused, safe_back

router = APIRouter(prefix="/ui", include_in_schema=False)
REVIEW = "/ui/review"

Back = Annotated[str, Form(max_length=500)]


@dataclass(frozen=True)
class ReviewEntry:
    draft: DraftView
    number: str
    appeal_text: str
    agency: str
    topic: str


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, ctx: Ctx, session: Session) -> HTMLResponse:
    principal = session.principal
    authorize(principal, Action.REVIEW_ANSWER)
    names, entries = Names(ctx), []
    files: dict[int, list[appeal_files.AnswerFileRef]] = {}
    for draft in answer_service.review_queue(ctx, principal):
        appeal = appeal_service.get_detail(ctx, principal, draft.appeal_id).appeal
        files.update(appeal_files.answer_files_of(ctx, principal, draft.appeal_id))
        entries.append(
            ReviewEntry(
                draft_view(draft),
                appeal.number,
                appeal.text_masked,
                names.agency(draft.agency_id),
                " / ".join(x for x in (appeal.group, appeal.topic) if x) or "—",
            )
        )
    return page(request, "ui/review.html", session, entries=entries, answer_files=files)


@router.post("/review/{draft_id}/approve")
def approve(
    draft_id: int,
    ctx: Ctx,
    session: CsrfSession,
    text: Annotated[str, Form(max_length=20_000)] = "",
    back: Back = REVIEW,
) -> Response:
    """Approve as written, or as the moderator edited it in the same form (the service compares the texts)."""
    url = safe_back(back, REVIEW)
    try:
        answer_service.approve_answer(ctx, session.principal, draft_id, edited_text=text.strip() or None)
    except DomainError as error:
        return refused(url, error)
    return done(url, "Ответ одобрен и отправлен заявителю.")


@router.post("/review/{draft_id}/return")
def return_answer(
    draft_id: int,
    ctx: Ctx,
    session: CsrfSession,
    comment: Annotated[str, Form(max_length=4000)],
    back: Back = REVIEW,
) -> Response:
    url = safe_back(back, REVIEW)
    try:
        answer_service.return_answer(ctx, session.principal, draft_id, comment)
    except DomainError as error:
        return refused(url, error)
    return done(url, "Ответ возвращён исполнителю с комментарием.")
