"""A raw letter (RFC 5322 bytes) as an inbound message: who wrote, their own words, attachments, the thread."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Any

from otklik.channels.email.attachments import AttachmentStore
from otklik.channels.email.body_text import body_of, guess_decode, own_words
from otklik.domain.channels import Channel
from otklik.domain.message import Attachment, Author, InboundMessage

_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|ответ|отв|пересл)\s*(\[\d+\])?\s*:\s*)+", re.I)
_MAX_REFERENCES = 20  # long threads carry dozens of ids; the newest are enough to thread an answer
_AUTOMATED_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|noreply)@", re.I)


class NotACitizenLetter(Exception):
    """An auto-reply, a bounce or a mailing: answering it would start a mail loop."""


def parse_letter(
    raw: bytes, *, store: AttachmentStore, formal: bool, received_at: datetime, max_attachment_bytes: int
) -> InboundMessage:
    letter = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(letter, EmailMessage)  # policy.default always builds EmailMessage
    _refuse_automated(letter)
    sender = _first_address(letter, "From")
    reply_to = _first_address(letter, "Reply-To") or sender
    subject = header_text(letter, "Subject")
    body, body_part = body_of(letter)
    attachments, skipped = _attachments(letter, body_part, store, max_attachment_bytes)
    message_id = header_text(letter, "Message-ID")
    context: dict[str, Any] = {
        "message_id": message_id or None,
        "subject": subject,
        "references": _ids(header_text(letter, "References"))[-_MAX_REFERENCES:],
        "in_reply_to": header_text(letter, "In-Reply-To") or None,
        "reply_to": reply_to.addr_spec if reply_to else None,
    }
    if skipped:
        context["attachments_not_kept"] = skipped
    return InboundMessage(
        channel=Channel.EMAIL,
        external_id=_external_id(message_id, raw),
        text=_text(subject, own_words(body)),
        created_at=_date(letter, received_at),
        author=Author(
            name=(sender.display_name or None) if sender else None,
            email=sender.addr_spec if sender else None,
        ),
        context=context,
        attachments=tuple(attachments),
        formal=formal,
    )


def header_text(letter: Message, name: str) -> str:
    """A header as text: RFC 2047 words decoded by the parser, raw 8-bit koi8-r/windows-1251 repaired here."""
    value = letter.get(name)
    if value is None:
        return ""
    text = str(value)
    if "\ufffd" in text:  # raw 8-bit bytes in the header (not RFC 2047): decode the source ourselves
        source = next((raw for key, raw in letter.raw_items() if key.lower() == name.lower()), "")
        if _has_surrogates(source):
            text = guess_decode(source.encode("utf-8", "surrogateescape"))
    return " ".join(text.split())


def _has_surrogates(text: str) -> bool:
    """Undecodable bytes the parser kept as surrogate escapes."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _refuse_automated(letter: EmailMessage) -> None:
    """RFC 3834: never answer automatic mail; bounces come from the mailer daemon as multipart/report."""
    auto = header_text(letter, "Auto-Submitted").lower()
    if auto and auto != "no":
        raise NotACitizenLetter(f"Auto-Submitted: {auto}")
    precedence = header_text(letter, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        raise NotACitizenLetter(f"Precedence: {precedence}")
    if letter.get("X-Autoreply") or letter.get("X-Autorespond"):
        raise NotACitizenLetter("an auto-reply (X-Autoreply)")
    if letter.get_content_type() == "multipart/report":
        raise NotACitizenLetter("a delivery report")
    sender = _first_address(letter, "From")
    if sender and _AUTOMATED_SENDERS.match(sender.addr_spec):
        raise NotACitizenLetter("sent by a mail system")


def _first_address(letter: EmailMessage, name: str) -> Address | None:
    header = letter.get(name)
    try:
        addresses = header.addresses if header is not None else ()
    except (AttributeError, IndexError, ValueError):  # a malformed header the parser could not structure
        return None
    for address in addresses:
        if address.addr_spec and "@" in address.addr_spec:
            display = address.display_name
            if _has_surrogates(display):
                display = guess_decode(display.encode("utf-8", "surrogateescape"))
            return Address(display_name=display, addr_spec=address.addr_spec)
    return None


def _attachments(
    letter: EmailMessage, body_part: Message | None, store: AttachmentStore, limit: int
) -> tuple[list[Attachment], list[str]]:
    kept: list[Attachment] = []
    skipped: list[str] = []
    for part in letter.walk():
        if part is body_part or part.is_multipart():
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue  # the HTML twin of the text, or another inline body part
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        name = filename or f"attachment.{part.get_content_subtype()}"
        if len(data) > limit:
            skipped.append(f"{name} ({len(data)} bytes: over the limit of {limit})")
            continue
        kept.append(store.save(name, part.get_content_type(), data))
    return kept, skipped


def _text(subject: str, body: str) -> str:
    """The subject often names the problem («Яма на Советской»), so it leads the text unless the body repeats it."""
    topic = _REPLY_PREFIX.sub("", subject).strip()
    if not topic or topic.lower() in body.lower()[: len(topic) + 40]:
        return body
    return f"{topic}\n\n{body}".strip()


def _date(letter: EmailMessage, received_at: datetime) -> datetime:
    header = letter.get("Date")
    moment = getattr(header, "datetime", None) if header is not None else None
    if not isinstance(moment, datetime):
        return received_at
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value)


def _external_id(message_id: str, raw: bytes) -> str:
    """The Message-ID identifies a letter across folders and re-polls; without one, its bytes do."""
    ids = _ids(message_id)
    if ids:
        return ids[0][1:-1][:400]
    return "sha256:" + hashlib.sha256(raw).hexdigest()
