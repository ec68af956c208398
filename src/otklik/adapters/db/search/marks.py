"""Highlights as safe HTML: everything escaped, the hits wrapped in <mark>…</mark>.

The database marks hits with two private-use characters (never shown, stripped from the text first), so the
marking survives any text, including one that itself contains «<mark>» or «&»."""

from __future__ import annotations

from html import escape

START = "\ue000"
STOP = "\ue001"


def unmarked(text: str) -> str:
    """The text with our marker characters removed, so only our own marks are ever turned into <mark>."""
    return text.replace(START, "").replace(STOP, "")


def to_html(marked: str) -> str:
    return escape(marked, quote=True).replace(START, "<mark>").replace(STOP, "</mark>")
