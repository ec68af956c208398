"""Files of an appeal: the citizen's portal photos on the staff card, and the attachments of final answers.

Photos and attachments are read through the appeal's scope (services/appeals.py `_get`): outside it they do not
exist (404), like the appeal. Attachments of a final answer are checked by their first bytes (PDF, JPEG, PNG)
and size before anything is written; the citizen sees them only once the answer is published."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from otklik.adapters.db.repositories.accounts import AttachmentRecord
from otklik.adapters.db.repositories.files import FileRepository, StoredFile
from otklik.adapters.db.repositories.workflow import WorkflowRepository
from otklik.adapters.files.store import attachment_store, safe_name, sha256_of, sniff
from otklik.domain.access import Action, Principal, scope_of
from otklik.domain.answers import DraftStatus
from otklik.domain.errors import DomainError, InvalidInput, NotFound
from otklik.services.appeals import _get
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

# What a final answer may carry: a scanned letter or act (PDF) or a photo of the work done.
ANSWER_FILE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_ANSWER_FILE_BYTES = 10 * 1024 * 1024
MAX_ANSWER_FILES = 5
_PUBLISHED = frozenset({DraftStatus.APPROVED, DraftStatus.PUBLISHED})


class FileTooLarge(DomainError):
    http_status = 413
    title = "Payload too large"


@dataclass(frozen=True)
class PhotoRef:
    id: int
    appeal_id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class AnswerFileRef:
    id: int
    draft_id: int
    filename: str
    content_type: str
    size: int


class FileDownload(NamedTuple):
    path: Path
    content_type: str
    filename: str


@dataclass(frozen=True)
class Upload:
    filename: str
    declared_type: str
    data: bytes


# --- the portal's photos on the card --------------------------------------------------------------------------


def photos_of(ctx: ServiceContext, principal: Principal, appeal_id: int) -> list[PhotoRef]:
    with ctx.uow(readonly=True) as uow:
        _get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.READ)
        files = FileRepository(uow.session).photos_of_appeal(appeal_id)
    return [PhotoRef(f.id, appeal_id, f.filename, f.content_type, f.size) for f in files]


def photo_file(ctx: ServiceContext, principal: Principal, appeal_id: int, photo_id: int) -> FileDownload:
    with ctx.uow(readonly=True) as uow:
        _get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.READ)
        files = FileRepository(uow.session).photos_of_appeal(appeal_id)
    found = next((f for f in files if f.id == photo_id), None)
    if found is None:
        raise NotFound(f"photo {photo_id} of appeal {appeal_id} does not exist")
    return _download(found)


def _download(stored: StoredFile) -> FileDownload:
    try:
        path = attachment_store().path(stored.storage_key)
    except FileNotFoundError:
        # The row outlived its bytes (a cleaned-up folder): for the reader it is simply not there.
        raise NotFound(f"file {stored.id} is not in the store") from None
    return FileDownload(path, stored.content_type, stored.filename)


# --- attachments of a final answer ----------------------------------------------------------------------------


def check_answer_files(uploads: Sequence[Upload]) -> list[str]:
    """The real type of each file; the reason for the first one refused (nothing is written before this)."""
    if len(uploads) > MAX_ANSWER_FILES:
        raise InvalidInput(f"к ответу можно приложить не больше {MAX_ANSWER_FILES} файлов, выбрано {len(uploads)}")
    types = []
    for upload in uploads:
        name = safe_name(upload.filename)
        if len(upload.data) > MAX_ANSWER_FILE_BYTES:
            raise FileTooLarge(f"файл «{name}» больше {MAX_ANSWER_FILE_BYTES // (1024 * 1024)} МБ")
        real = sniff(upload.data[:16])
        if real not in ANSWER_FILE_TYPES:
            raise InvalidInput(f"файл «{name}» не PDF, JPEG или PNG (тип определён по содержимому файла)")
        types.append(real)
    return types


def store_answer_files(
    uow: UnitOfWork, draft_id: int, uploads: Sequence[Upload], types: Sequence[str], now: datetime
) -> list[int]:
    """Write the checked files and link them to the draft in the caller's transaction."""
    store, repo, ids = attachment_store(), FileRepository(uow.session), []
    for upload, content_type in zip(uploads, types, strict=True):
        key = store.put("answers", ANSWER_FILE_TYPES[content_type], upload.data, now)
        record = AttachmentRecord(
            key, safe_name(upload.filename), content_type, len(upload.data), sha256_of(upload.data)
        )
        ids.append(repo.add_answer_file(draft_id, record, at=now))
    return ids


def _ref(stored: StoredFile) -> AnswerFileRef:
    return AnswerFileRef(stored.id, stored.owner_id, stored.filename, stored.content_type, stored.size)


def answer_files_of(ctx: ServiceContext, principal: Principal, appeal_id: int) -> dict[int, list[AnswerFileRef]]:
    """The attachments of every draft of an appeal, by draft id (staff: whatever the draft's status)."""
    with ctx.uow(readonly=True) as uow:
        _get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.READ)
        drafts = WorkflowRepository(uow.session).drafts_of(appeal_id)
        files = FileRepository(uow.session).answer_files(d.id for d in drafts if d.id is not None)
    found: dict[int, list[AnswerFileRef]] = {}
    for stored in files:
        found.setdefault(stored.owner_id, []).append(_ref(stored))
    return found


def answer_file(ctx: ServiceContext, principal: Principal, draft_id: int, file_id: int) -> FileDownload:
    """One attachment for the staff, scoped through the draft's appeal: outside the scope it does not exist."""
    with ctx.uow(readonly=True) as uow:
        draft = WorkflowRepository(uow.session).draft(draft_id)
        if draft is None:
            raise NotFound(f"answer {draft_id} does not exist")
        try:
            _get(uow, draft.appeal_id, scope_of(principal), principal=principal, action=Action.READ)
        except NotFound:
            raise NotFound(f"answer {draft_id} does not exist") from None
        files = FileRepository(uow.session).answer_files([draft_id])
    return _download(_one(files, file_id))


def published_answer_files(ctx: ServiceContext, principal: Principal, appeal_id: int) -> list[AnswerFileRef]:
    """What the citizen may download: attachments of answers already published, never of a draft under review."""
    with ctx.uow(readonly=True) as uow:
        _get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.READ)
        return [_ref(f) for f in _published(uow, appeal_id)]


def published_answer_file(ctx: ServiceContext, principal: Principal, appeal_id: int, file_id: int) -> FileDownload:
    with ctx.uow(readonly=True) as uow:
        _get(uow, appeal_id, scope_of(principal), principal=principal, action=Action.READ)
        files = _published(uow, appeal_id)
    return _download(_one(files, file_id))


def _published(uow: UnitOfWork, appeal_id: int) -> list[StoredFile]:
    drafts = WorkflowRepository(uow.session).drafts_of(appeal_id)
    published = [d.id for d in drafts if d.id is not None and d.status_enum in _PUBLISHED]
    return FileRepository(uow.session).answer_files(published)


def _one(files: list[StoredFile], file_id: int) -> StoredFile:
    found = next((f for f in files if f.id == file_id), None)
    if found is None:
        raise NotFound(f"file {file_id} does not exist")
    return found
