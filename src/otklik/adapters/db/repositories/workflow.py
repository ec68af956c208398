"""Answer drafts, deadline extensions and requests for details: rows in, domain objects out.

Built on a unit of work's session (`WorkflowRepository(uow.session)`), so every change is written in the same
transaction as the appeal's events and the citizen's notice. Rows are read and written with SQL Core: the domain
objects stay plain dataclasses, unmapped."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, Table, insert, select, update
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.appeals import MAX_ID, visible_in
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.workflow import answer_drafts, deadline_extensions, detail_requests
from otklik.domain.access import AppealScope
from otklik.domain.answers import AnswerDraft, DraftFlag, DraftStatus
from otklik.domain.extensions import DetailsRequest, Extension, ExtensionStatus


def _draft(row: RowMapping) -> AnswerDraft:
    values = dict(row)
    values["flags"] = tuple(DraftFlag(f["code"], f["message"]) for f in values["flags"])
    return AnswerDraft(**values)


def _draft_values(draft: AnswerDraft) -> dict[str, Any]:
    return {
        "appeal_id": draft.appeal_id,
        "text": draft.text,
        "author": draft.author,
        "agency_id": draft.agency_id,
        "submitted_at": draft.submitted_at,
        "status": draft.status,
        "flags": [{"code": f.code, "message": f.message} for f in draft.flags],
        "score": draft.score,
        "review_required": draft.review_required,
        "template_id": draft.template_id,
        "reviewer": draft.reviewer,
        "reviewed_at": draft.reviewed_at,
        "review_comment": draft.review_comment,
        "published_text": draft.published_text,
        "reply_id": draft.reply_id,
    }


def _extension_values(extension: Extension) -> dict[str, Any]:
    values = dict(vars(extension))
    values.pop("id")
    return values


def _details_values(request: DetailsRequest) -> dict[str, Any]:
    values = dict(vars(request))
    values.pop("id")
    return values


class WorkflowRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert(self, table: Table, values: dict[str, Any]) -> int:
        return int(self._session.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())

    # --- answer drafts ----------------------------------------------------------------------------------------

    def save_draft(self, draft: AnswerDraft) -> AnswerDraft:
        values = _draft_values(draft)
        if draft.id is None:
            draft.id = self._insert(answer_drafts, values)
        else:
            self._session.execute(update(answer_drafts).where(answer_drafts.c.id == draft.id).values(**values))
        return draft

    def draft(self, draft_id: int, *, lock: bool = False) -> AnswerDraft | None:
        if not 1 <= draft_id <= MAX_ID:  # the column cannot hold it: no such draft (not a driver error)
            return None
        query = select(answer_drafts).where(answer_drafts.c.id == draft_id)
        row = self._session.execute(query.with_for_update() if lock else query).mappings().first()
        return _draft(row) if row else None

    def drafts_of(self, appeal_id: int) -> list[AnswerDraft]:
        query = select(answer_drafts).where(answer_drafts.c.appeal_id == appeal_id).order_by(answer_drafts.c.id)
        return [_draft(row) for row in self._session.execute(query).mappings()]

    def pending_drafts(self, scope: AppealScope) -> list[AnswerDraft]:
        """Drafts waiting for a moderator on appeals of this scope, oldest first."""
        query = (
            select(answer_drafts)
            .join(appeals, appeals.c.id == answer_drafts.c.appeal_id)
            .where(answer_drafts.c.status == DraftStatus.PENDING.value, visible_in(scope))
            .order_by(answer_drafts.c.submitted_at, answer_drafts.c.id)
        )
        return [_draft(row) for row in self._session.execute(query).mappings()]

    # --- extensions -------------------------------------------------------------------------------------------

    def save_extension(self, extension: Extension) -> Extension:
        values = _extension_values(extension)
        if extension.id is None:
            extension.id = self._insert(deadline_extensions, values)
        else:
            self._session.execute(
                update(deadline_extensions).where(deadline_extensions.c.id == extension.id).values(**values)
            )
        return extension

    def extension(self, extension_id: int, *, lock: bool = False) -> Extension | None:
        if not 1 <= extension_id <= MAX_ID:
            return None
        query = select(deadline_extensions).where(deadline_extensions.c.id == extension_id)
        row = self._session.execute(query.with_for_update() if lock else query).mappings().first()
        return Extension(**row) if row else None

    def extensions_of(self, appeal_id: int) -> list[Extension]:
        query = (
            select(deadline_extensions)
            .where(deadline_extensions.c.appeal_id == appeal_id)
            .order_by(deadline_extensions.c.id)
        )
        return [Extension(**row) for row in self._session.execute(query).mappings()]

    def pending_extensions(self, scope: AppealScope) -> list[Extension]:
        query = (
            select(deadline_extensions)
            .join(appeals, appeals.c.id == deadline_extensions.c.appeal_id)
            .where(deadline_extensions.c.status == ExtensionStatus.PENDING.value, visible_in(scope))
            .order_by(deadline_extensions.c.requested_at, deadline_extensions.c.id)
        )
        return [Extension(**row) for row in self._session.execute(query).mappings()]

    # --- requests for details ---------------------------------------------------------------------------------

    def save_details_request(self, request: DetailsRequest) -> DetailsRequest:
        values = _details_values(request)
        if request.id is None:
            request.id = self._insert(detail_requests, values)
        else:
            self._session.execute(update(detail_requests).where(detail_requests.c.id == request.id).values(**values))
        return request

    def details_requests_of(self, appeal_id: int) -> list[DetailsRequest]:
        query = select(detail_requests).where(detail_requests.c.appeal_id == appeal_id).order_by(detail_requests.c.id)
        return [DetailsRequest(**row) for row in self._session.execute(query).mappings()]
