"""The executor's side of an appeal: final answers under review, templates, extensions, requests for details.

Staff only (`StaffPrincipal`); the services decide the role (403) and the scope (404). docs/answers.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from otklik.services import answers as answer_service
from otklik.services import clarifications, extensions
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.schemas.answers import (
    AnswerDraftOut,
    AnswerIn,
    ApproveIn,
    DecisionIn,
    DetailsAnswerIn,
    DetailsQuestionIn,
    DetailsRequestOut,
    ExtensionIn,
    ExtensionOut,
    ReturnIn,
    TemplateOut,
)
from otklik.web.schemas.fields import RowIdPath

router = APIRouter(prefix="/api/v1", tags=["answers"])


@router.post("/appeals/{appeal_id}/answers", status_code=201, response_model=AnswerDraftOut)
def submit_answer(appeal_id: RowIdPath, body: AnswerIn, ctx: Ctx, principal: StaffPrincipal) -> AnswerDraftOut:
    """A final answer: checked, then published at once or kept «на проверке» for a moderator."""
    draft = answer_service.submit_final_answer(ctx, principal, appeal_id, body.text, template_id=body.template_id)
    return AnswerDraftOut.of(draft)


@router.get("/appeals/{appeal_id}/answers", response_model=list[AnswerDraftOut])
def appeal_answers(appeal_id: RowIdPath, ctx: Ctx, principal: StaffPrincipal) -> list[AnswerDraftOut]:
    return [AnswerDraftOut.of(d) for d in answer_service.drafts_of(ctx, principal, appeal_id)]


@router.get("/answers/review", response_model=list[AnswerDraftOut])
def review_queue(ctx: Ctx, principal: StaffPrincipal) -> list[AnswerDraftOut]:
    return [AnswerDraftOut.of(d) for d in answer_service.review_queue(ctx, principal)]


@router.post("/answers/{draft_id}/approve", response_model=AnswerDraftOut)
def approve(draft_id: RowIdPath, ctx: Ctx, principal: StaffPrincipal, body: ApproveIn | None = None) -> AnswerDraftOut:
    text = body.text if body else None
    return AnswerDraftOut.of(answer_service.approve_answer(ctx, principal, draft_id, edited_text=text))


@router.post("/answers/{draft_id}/return", response_model=AnswerDraftOut)
def return_to_author(draft_id: RowIdPath, body: ReturnIn, ctx: Ctx, principal: StaffPrincipal) -> AnswerDraftOut:
    return AnswerDraftOut.of(answer_service.return_answer(ctx, principal, draft_id, body.comment))


@router.get("/answer-templates", response_model=list[TemplateOut])
def templates(
    ctx: Ctx,
    principal: StaffPrincipal,
    group: Annotated[str | None, Query()] = None,
    topic: Annotated[str | None, Query()] = None,
) -> list[TemplateOut]:
    found = answer_service.templates_for(ctx, group or None, topic or None)
    return [TemplateOut(id=t.id, title=t.title, text=t.text, group=t.group, topic=t.topic) for t in found]


@router.post("/appeals/{appeal_id}/extensions", status_code=201, response_model=ExtensionOut)
def request_extension(appeal_id: RowIdPath, body: ExtensionIn, ctx: Ctx, principal: StaffPrincipal) -> ExtensionOut:
    return ExtensionOut.of(extensions.request_extension(ctx, principal, appeal_id, body.days, body.reason))


@router.post("/extensions/{extension_id}/decision", response_model=ExtensionOut)
def decide_extension(extension_id: RowIdPath, body: DecisionIn, ctx: Ctx, principal: StaffPrincipal) -> ExtensionOut:
    return ExtensionOut.of(extensions.decide_extension(ctx, principal, extension_id, body.approve, body.comment))


@router.get("/extensions/pending", response_model=list[ExtensionOut])
def pending_extensions(ctx: Ctx, principal: StaffPrincipal) -> list[ExtensionOut]:
    return [ExtensionOut.of(e) for e in extensions.pending_extensions(ctx, principal)]


@router.post("/appeals/{appeal_id}/details-request", status_code=201, response_model=DetailsRequestOut)
def ask_details(
    appeal_id: RowIdPath, body: DetailsQuestionIn, ctx: Ctx, principal: StaffPrincipal
) -> DetailsRequestOut:
    return DetailsRequestOut.of(clarifications.ask_details(ctx, principal, appeal_id, body.question))


@router.post("/appeals/{appeal_id}/details-answer", response_model=DetailsRequestOut)
def details_answer(
    appeal_id: RowIdPath, body: DetailsAnswerIn, ctx: Ctx, principal: StaffPrincipal
) -> DetailsRequestOut:
    """Staff record the citizen's answer given by phone; the deadline clock restarts."""
    request = clarifications.details_received(ctx, appeal_id, body.text, principal=principal)
    return DetailsRequestOut.of(request)
