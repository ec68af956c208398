"""VK's limits on the text of one comment or message: long answers are split at paragraph or word bounds."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, numbered «(1/2)» when there are several; never an empty part."""
    text = text.strip()
    if len(text) <= limit:
        return [text]
    room = limit - len(" (99/99)")
    parts: list[str] = []
    rest = text
    while rest:
        if len(rest) <= room:
            parts.append(rest)
            break
        cut = _cut_at(rest, room)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    total = len(parts)
    return [f"{part} ({index}/{total})" for index, part in enumerate(parts, start=1)]


def _cut_at(text: str, room: int) -> int:
    """The last paragraph, line or word break within `room`; a hard cut when there is none."""
    for separator in ("\n\n", "\n", " "):
        position = text.rfind(separator, 0, room)
        if position > room // 2:
            return position
    return room
