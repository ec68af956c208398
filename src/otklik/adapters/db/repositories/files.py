"""Metadata of stored files: the portal photos of an appeal (by its message's external id) and the attachments
of final answers (by draft)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.accounts import AttachmentRecord
from otklik.adapters.db.tables.accounts import portal_attachments
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.messages import messages
from otklik.adapters.db.tables.workflow import answer_attachments

_FIELDS = ("id", "storage_key", "filename", "content_type", "size", "sha256")


@dataclass(frozen=True)
class StoredFile:
    id: int
    owner_id: int  # the appeal of a photo, the draft of an answer's attachment
    storage_key: str
    filename: str
    content_type: str
    size: int
    sha256: str


def _file(row: RowMapping, owner_id: int) -> StoredFile:
    return StoredFile(owner_id=owner_id, **{name: row[name] for name in _FIELDS})


class FileRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def photos_of_appeal(self, appeal_id: int) -> list[StoredFile]:
        """Photos that came with the appeal's own portal message, in the order they were sent."""
        query = (
            select(*(portal_attachments.c[name] for name in _FIELDS))
            .join(messages, messages.c.external_id == portal_attachments.c.external_id)
            .join(appeals, appeals.c.message_id == messages.c.id)
            .where(appeals.c.id == appeal_id, messages.c.channel == "portal")
            .order_by(portal_attachments.c.id)
        )
        return [_file(row, appeal_id) for row in self._session.execute(query).mappings()]

    def add_answer_file(self, draft_id: int, record: AttachmentRecord, *, at: datetime) -> int:
        values = {"draft_id": draft_id, "created_at": at, **record.__dict__}
        result = self._session.execute(insert(answer_attachments).values(**values).returning(answer_attachments.c.id))
        return int(result.scalar_one())

    def answer_files(self, draft_ids: Iterable[int]) -> list[StoredFile]:
        ids = list(draft_ids)
        if not ids:
            return []
        query = (
            select(answer_attachments)
            .where(answer_attachments.c.draft_id.in_(ids))
            .order_by(answer_attachments.c.draft_id, answer_attachments.c.id)
        )
        return [_file(row, row["draft_id"]) for row in self._session.execute(query).mappings()]
