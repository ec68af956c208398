"""Attachment bytes kept on disk by content hash; a message carries only the reference."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from otklik.domain.message import Attachment

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
_MAX_NAME = 120


class AttachmentStore:
    """Files under `root/email/<sha256>/<name>`: the same bytes are stored once, a re-poll rewrites nothing."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def save(self, filename: str, content_type: str, data: bytes) -> Attachment:
        digest = hashlib.sha256(data).hexdigest()
        key = f"email/{digest}/{safe_filename(filename)}"
        path = self._root / key
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a crash never leaves a half-written file under the final name.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
                handle.write(data)
            os.replace(handle.name, path)
        return Attachment(filename=filename, content_type=content_type, size=len(data), storage_key=key)

    def path_of(self, storage_key: str) -> Path:
        return self._root / storage_key


def safe_filename(name: str) -> str:
    """A name that cannot leave its folder or confuse a shell; Cyrillic letters are kept."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "attachment"
    if len(cleaned) > _MAX_NAME:
        stem, dot, suffix = cleaned.rpartition(".")
        keep_suffix = bool(dot) and len(suffix) < 10
        cleaned = stem[: _MAX_NAME - len(suffix) - 1] + dot + suffix if keep_suffix else cleaned[:_MAX_NAME]
    return cleaned
