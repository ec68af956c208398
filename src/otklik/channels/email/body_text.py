"""The citizen's own words from a letter: charsets decoded, HTML flattened, quoted replies and signatures cut."""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from html.parser import HTMLParser

# Russian mail still arrives in koi8-r and windows-1251, sometimes mislabelled or not labelled at all.
_SINGLE_BYTE_CHARSETS = ("windows-1251", "koi8-r")
_CHARSET_ALIASES = {"win-1251": "windows-1251", "x-cp1251": "windows-1251", "cp-1251": "windows-1251"}

# A line that starts the quoted original in a reply (Gmail, Outlook, Yandex, Mail.ru, Thunderbird, Apple Mail).
_QUOTE_HEADERS = (
    # A forwarded letter is not cut: what the citizen forwards is often the problem itself.
    re.compile(r"^-{2,}\s*(original message|исходное сообщение)\s*-{2,}", re.I),
    re.compile(r"^(on|le|am)\s.+(wrote|a écrit|schrieb)\s*:\s*$", re.I),
    re.compile(r"^.{0,120}(пишет|писал\(а\)|написал\(а\)|написал|написала)\s*:\s*$", re.I),
    re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4},?\s.{0,80}[<(]?\S+@\S+[>)]?.{0,20}:\s*$"),
    re.compile(r"^(от|from)\s*:\s*.+@.+$", re.I),  # Outlook block: От: … / Отправлено: … / Кому: …
)
_SIGNATURE_MARKERS = (
    re.compile(r"^--\s*$"),
    re.compile(r"^_{5,}\s*$"),
    re.compile(r"^(отправлено|sent) (с|из|from) .{1,40}$", re.I),  # «Отправлено с iPhone», «Sent from my phone»
)
# A polite closing starts the signature only near the end; earlier it is part of the text.
_CLOSINGS = re.compile(r"^(с уважением|с наилучшими пожеланиями|best regards|regards)[,.!\s]*", re.I)
_CLOSING_WINDOW = 5  # non-empty lines from the end


def decode_part(part: Message) -> str:
    """The text of a leaf part in its declared charset, falling back on the charsets Russian mail uses."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    declared = (part.get_content_charset() or "").lower()
    charset = _CHARSET_ALIASES.get(declared, declared)
    if charset and charset not in ("us-ascii", "ascii"):  # "us-ascii" is what mailers write when they did not know
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return guess_decode(payload)


def guess_decode(data: bytes) -> str:
    """Unlabelled 8-bit text: UTF-8 when it is valid, else the single-byte Cyrillic charset that reads as Russian."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # The same bytes read as windows-1251 and as koi8-r; Russian prose is mostly lower-case letters.
    candidates = [data.decode(charset, errors="replace") for charset in _SINGLE_BYTE_CHARSETS]
    return max(candidates, key=lambda text: sum("а" <= ch <= "я" for ch in text))


def body_of(message: EmailMessage) -> tuple[str, Message | None]:
    """The plain text of the letter (or its HTML flattened) and the part it came from."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", None
    text = decode_part(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text, part


def own_words(text: str) -> str:
    """The new text of a reply: quoted lines, the quoted original and the signature removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if any(pattern.match(stripped) for pattern in _QUOTE_HEADERS) and _has_text(kept):
            break
        if any(pattern.match(stripped) for pattern in _SIGNATURE_MARKERS) and _has_text(kept):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    kept = _cut_closing(kept)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _cut_closing(lines: list[str]) -> list[str]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for index in filled[-_CLOSING_WINDOW:]:
        if _CLOSINGS.match(lines[index].strip()) and _has_text(lines[:index]):
            return lines[:index]
    return lines


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"})
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        if tag == "blockquote":  # the quoted original of a reply in HTML mail
            self._quote_depth += 1
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        if tag == "blockquote" and self._quote_depth:
            self._quote_depth -= 1
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._quote_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
