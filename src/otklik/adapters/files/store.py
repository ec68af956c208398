"""One folder of uploaded files: each file under a new random key, its bytes read back by that key.

The portal's photos and the attachments of final answers share it; the database keeps only the key and the
metadata. The folder is `OTKLIK_PORTAL_ATTACHMENTS_DIR` (the portal's setting of the same name reads it too)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_ROOT = Path("var/attachments")


class FileStoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_PORTAL_", env_file=".env", extra="ignore")

    attachments_dir: Path = DEFAULT_ROOT


def sniff(head: bytes) -> str | None:
    """The type told by the first bytes (never by the name or what the browser declared); None: none we know."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def safe_name(filename: str, default: str = "file") -> str:
    """The last path part without control characters: the original name is metadata, never a path."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f]", "", name)[:200] or default


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileStore:
    root: Path

    def put(self, folder: str, extension: str, data: bytes, now: datetime) -> str:
        """Write the bytes under a new random name; the key is the path relative to the root."""
        key = f"{folder}/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as file:  # a fresh uuid never exists; "x" makes sure nothing is overwritten
            file.write(data)
        return key

    def path(self, key: str) -> Path:
        """Where the key's bytes are; a key that leads outside the root or to no file is FileNotFoundError."""
        root = self.root.resolve()
        path = (root / key).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise FileNotFoundError(key)
        return path


def attachment_store() -> FileStore:
    """Read on each call (cheap): the folder is configuration, and tests point it at a temporary one."""
    return FileStore(FileStoreSettings().attachments_dir)
