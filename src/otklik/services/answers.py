"""Final answers under review: an executor submits, the answer checker flags, a moderator approves or returns.

roles.md: executors and agency heads draft a final answer (Action.WORK); moderators approve or return it before
publication (Action.REVIEW_ANSWER). Nothing reaches the citizen before approval: a draft that waits has no reply,
no status move and no delivery. Approval publishes through the same path as any reply (`publish_reply`), in the
approval's transaction, with the executor as the reply's author and the moderator as the approval's actor.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from otklik.adapters.db.repositories.workflow import WorkflowRepository
from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.answers import AnswerDraft, DraftFlag, DraftStatus, check_no_pending, needs_review
from otklik.domain.appeal import Appeal
from otklik.domain.channels import Channel
from otklik.domain.errors import InvalidInput, NotFound
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.replies import ReplyKind
from otklik.domain.rubricator import split_priority_mark
from otklik.domain.status import AppealStatus, check_transition
from otklik.nlp.answer_quality import check_answer
from otklik.reference.files import data_dir
from otklik.services import appeals as appeal_service
from otklik.services.appeal_files import Upload, check_answer_files, store_answer_files
from otklik.services.appeals import publish_reply
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

TEMPLATES_FILE = "answer_templates.json"


@dataclass(frozen=True)
class AnswerTemplate:
    id: str
    title: str
    text: str
    group: str | None = None  # None: for any group
    topic: str | None = None  # None: for any topic of the group


# --- templates ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load_templates(path: Path) -> tuple[AnswerTemplate, ...]:
    """Read once per process: the file ships with the package and changes with a release."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        AnswerTemplate(t["id"], t["title"], t["text"], t.get("group"), t.get("topic")) for t in raw["templates"]
    )


def all_templates() -> tuple[AnswerTemplate, ...]:
    return _load_templates(data_dir() / TEMPLATES_FILE)


def templates_for(ctx: ServiceContext, group: str | None, topic: str | None) -> list[AnswerTemplate]:
    """Templates that fit a group and topic (no group: all of them), the most specific first."""
    topic = split_priority_mark(topic)[0] if topic else None
    fitting = [
        t
        for t in all_templates()
        if (group is None or t.group is None or t.group == group)
        and (topic is None or t.topic is None or t.topic == topic)
    ]
    return sorted(fitting, key=lambda t: (t.topic is None, t.group is None))


def _template(template_id: str) -> AnswerTemplate:
    for template in all_templates():
        if template.id == template_id:
            return template
    raise InvalidInput(f"неизвестный шаблон ответа {template_id!r}; см. GET /api/v1/answer-templates")


# --- answers --------------------------------------------------------------------------------------------------


def appeal_in_scope(
    uow: UnitOfWork, principal: Principal, appeal_id: int, *, lock: bool = False, action: Action | None = None
) -> Appeal:
    """The appeal if it exists for this principal (the one scope check of services/appeals.py): outside the scope
    the same 404 as for no appeal at all; with an action, the right to it after the scope (403)."""
    return appeal_service._get(uow, appeal_id, scope_of(principal), lock=lock, principal=principal, action=action)


def _check(appeal: Appeal, text: str) -> tuple[tuple[DraftFlag, ...], float]:
    """The answer checker on the draft: every template is passed, so any of them sent unchanged is flagged."""
    public = appeal.channel in {c.value for c in Channel} and Channel(appeal.channel).is_public_social
    result = check_answer(
        text,
        appeal_text=appeal.text,
        address=appeal.address,
        topic=appeal.topic,
        templates=[t.text for t in all_templates()],
        public=public,
    )
    return tuple(DraftFlag(f.code, f.message) for f in result.flags), result.score


def submit_final_answer(
    ctx: ServiceContext,
    principal: Principal,
    appeal_id: int,
    text: str,
    *,
    template_id: str | None = None,
    attachments: Sequence[Upload] = (),
) -> AnswerDraft:
    """Check and store the draft; publish it at once unless review is required (then it waits, «на проверке»).
    Attachments are checked before anything is written and go with the draft (services/appeal_files.py)."""
    text = text.strip()
    if not text:
        raise InvalidInput("окончательный ответ не может быть пустым")
    if template_id is not None:
        _template(template_id)
    file_types = check_answer_files(attachments)
    with ctx.uow() as uow:
        appeal = appeal_in_scope(uow, principal, appeal_id, lock=True, action=Action.WORK)
        if appeal.status_enum is not AppealStatus.RESOLVED:
            check_transition(appeal.status_enum, AppealStatus.RESOLVED)  # fail now, not at the approval
        repo = WorkflowRepository(uow.session)
        check_no_pending(repo.drafts_of(appeal_id), appeal.number)
        flags, score = _check(appeal, text)
        now = ctx.clock.now()
        draft = AnswerDraft(
            appeal_id,
            text,
            principal.actor,
            appeal.agency_id,
            now,
            flags=flags,
            score=score,
            review_required=needs_review(appeal.kind, ctx.settings.answer_review_kinds, flags),
            template_id=template_id,
        )
        if draft.review_required:
            repo.save_draft(draft)
            uow.appeals.add_event(
                AppealEvent(
                    appeal_id,
                    EventType.ANSWER_SUBMITTED.value,
                    now,
                    principal.actor,
                    data={"draft_id": draft.id, "flags": sorted(draft.flag_codes), "score": score},
                )
            )
        else:
            draft.publish_unreviewed()
            draft.reply_id = publish_reply(ctx, uow, appeal, kind=ReplyKind.FINAL, text=text, author=draft.author).id
            repo.save_draft(draft)
        if attachments:
            assert draft.id is not None
            store_answer_files(uow, draft.id, attachments, file_types, now)
        uow.commit()
    ctx.bus.after_commit()
    return draft


def _pending_draft(uow: UnitOfWork, principal: Principal, draft_id: int) -> tuple[AnswerDraft, Appeal]:
    draft = WorkflowRepository(uow.session).draft(draft_id, lock=True)
    if draft is None:
        raise NotFound(f"answer {draft_id} does not exist")
    try:
        appeal = appeal_in_scope(uow, principal, draft.appeal_id, lock=True)
    except NotFound:
        raise NotFound(f"answer {draft_id} does not exist") from None
    authorize(principal, Action.REVIEW_ANSWER)
    return draft, appeal


def approve_answer(
    ctx: ServiceContext, principal: Principal, draft_id: int, *, edited_text: str | None = None
) -> AnswerDraft:
    """Publish the draft (a moderator may correct it first): reply, «resolved», the citizen's delivery."""
    with ctx.uow() as uow:
        draft, appeal = _pending_draft(uow, principal, draft_id)
        text = edited_text.strip() if edited_text and edited_text.strip() else draft.text
        now = ctx.clock.now()
        draft.approve(reviewer=principal.actor, at=now, text=text)
        uow.appeals.add_event(
            AppealEvent(
                draft.appeal_id,
                EventType.ANSWER_APPROVED.value,
                now,
                principal.actor,
                data={"draft_id": draft.id, "edited": text != draft.text, "author": draft.author},
            )
        )
        draft.reply_id = publish_reply(ctx, uow, appeal, kind=ReplyKind.FINAL, text=text, author=draft.author).id
        WorkflowRepository(uow.session).save_draft(draft)
        uow.commit()
    ctx.bus.after_commit()
    return draft


def return_answer(ctx: ServiceContext, principal: Principal, draft_id: int, comment: str) -> AnswerDraft:
    """Back to the executor with what to fix; the appeal stays where it was and the citizen hears nothing."""
    with ctx.uow() as uow:
        draft, _ = _pending_draft(uow, principal, draft_id)
        now = ctx.clock.now()
        draft.return_to_author(reviewer=principal.actor, at=now, comment=comment)
        WorkflowRepository(uow.session).save_draft(draft)
        uow.appeals.add_event(
            AppealEvent(
                draft.appeal_id,
                EventType.ANSWER_RETURNED.value,
                now,
                principal.actor,
                reason=draft.review_comment,
                data={"draft_id": draft.id, "author": draft.author},
            )
        )
        uow.commit()
    return draft


def review_queue(ctx: ServiceContext, principal: Principal) -> list[AnswerDraft]:
    """Drafts waiting for a moderator, on appeals of the principal's scope, oldest first."""
    authorize(principal, Action.REVIEW_ANSWER)
    with ctx.uow(readonly=True) as uow:
        return WorkflowRepository(uow.session).pending_drafts(scope_of(principal))


def drafts_of(ctx: ServiceContext, principal: Principal, appeal_id: int) -> list[AnswerDraft]:
    """Every draft of an appeal with its flags, status and the moderator's comment, oldest first."""
    with ctx.uow(readonly=True) as uow:
        appeal_in_scope(uow, principal, appeal_id, action=Action.READ)
        return WorkflowRepository(uow.session).drafts_of(appeal_id)


def pending_draft_of(drafts: list[AnswerDraft]) -> AnswerDraft | None:
    return next((d for d in drafts if d.status_enum is DraftStatus.PENDING), None)
