"""A stored file as an HTTP answer: shown inline, never sniffed into something else by the browser."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import FileResponse

from otklik.services.appeal_files import FileDownload

# Types a browser may render from our origin; anything else (should a row ever say so) is offered as bytes.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"})


def file_response(download: FileDownload, *, images_only: bool = False) -> FileResponse:
    allowed = download.content_type in INLINE_TYPES and (download.content_type.startswith("image/") or not images_only)
    media_type = download.content_type if allowed else "application/octet-stream"
    ascii_name = download.filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(download.filename, safe='')}"
    headers = {
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",  # a citizen's photo is personal data: no shared caches
    }
    return FileResponse(download.path, media_type=media_type, headers=headers)
