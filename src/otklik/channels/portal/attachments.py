"""Photos of a submission: count, size and type limits, the type told by the file's first bytes, and storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from otklik.adapters.db.repositories.accounts import AttachmentRecord
from otklik.adapters.files.store import FileStore, safe_name, sha256_of, sniff
from otklik.channels.portal.settings import PortalSettings
from otklik.domain.errors import DomainError, InvalidInput
from otklik.domain.message import Attachment

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}


class TooLarge(DomainError):
    http_status = 413
    title = "Payload too large"


class UnsupportedType(DomainError):
    http_status = 415
    title = "Unsupported media type"


@dataclass(frozen=True)
class Upload:
    filename: str
    declared_type: str
    data: bytes


def _safe_name(filename: str) -> str:
    return safe_name(filename, "photo")


def check(uploads: list[Upload], settings: PortalSettings) -> list[str]:
    """The real type of each upload; a reason a person can act on for the first one that is refused."""
    if len(uploads) > settings.max_files:
        raise InvalidInput(f"можно приложить не больше {settings.max_files} фото, приложено {len(uploads)}")
    types = []
    limit_mb = settings.max_file_bytes / (1024 * 1024)
    for upload in uploads:
        name = _safe_name(upload.filename)
        if len(upload.data) > settings.max_file_bytes:
            raise TooLarge(f"файл «{name}» больше {limit_mb:g} МБ")
        if not upload.data:
            raise InvalidInput(f"файл «{name}» пустой")
        real = sniff(upload.data[:16])
        if real is None or real not in settings.allowed_types:
            allowed = ", ".join(_EXTENSIONS.get(t, t) for t in settings.allowed_types)
            raise UnsupportedType(f"файл «{name}» не является фотографией допустимого типа ({allowed})")
        declared = upload.declared_type.split(";")[0].strip().lower()
        if declared not in ("", "application/octet-stream", real):
            raise UnsupportedType(f"файл «{name}» объявлен как {declared}, а на деле {real}")
        types.append(real)
    return types


def store(uploads: list[Upload], types: list[str], settings: PortalSettings, now: datetime) -> list[AttachmentRecord]:
    """Write each photo under a new random name; the original name is kept only as metadata."""
    records = []
    for upload, content_type in zip(uploads, types, strict=True):
        key = FileStore(Path(settings.attachments_dir)).put("portal", _EXTENSIONS[content_type], upload.data, now)
        records.append(
            AttachmentRecord(
                storage_key=key,
                filename=_safe_name(upload.filename),
                content_type=content_type,
                size=len(upload.data),
                sha256=sha256_of(upload.data),
            )
        )
    return records


def as_attachment(record: AttachmentRecord) -> Attachment:
    return Attachment(record.filename, record.content_type, record.size, record.storage_key)
