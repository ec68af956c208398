"""Cleaning of raw channel text: HTML, VK/Telegram markup, invisible characters and whitespace."""

from __future__ import annotations

import html
import itertools
import re

_TAG = re.compile(r"<[^>]{0,200}>")
_VK_MENTION = re.compile(r"\[(?:id|club|public)\d+\|([^\]]{0,100})\]")
_URL = re.compile(r"https?://\S+|www\.\S+")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
MAX_CHARS = 20_000  # longer texts are cut: models and the locator look at the beginning only


def clean_text(raw: str) -> str:
    """HTML unescaped and stripped, VK mentions reduced to their names, whitespace folded."""
    text = html.unescape(raw[: MAX_CHARS * 2])
    text = _TAG.sub(" ", text)
    text = _VK_MENTION.sub(r"\1", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\u00a0", " ")
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]


def strip_urls(text: str) -> str:
    return _URL.sub(" ", text)


def letter_count(text: str) -> int:
    return len(_LETTER.findall(text))


def has_letters(text: str, count: int) -> bool:
    """`letter_count(text) >= count`, stopping at the count-th letter instead of listing every letter of the text."""
    return count <= 0 or next(itertools.islice(_LETTER.finditer(text), count - 1, None), None) is not None


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None
