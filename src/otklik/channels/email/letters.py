"""The letter that answers a citizen: Russian text from templates, threaded under their own letter."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from otklik.channels.email.settings import EmailSettings
from otklik.notify.sender import OutboundNotice, PermanentDeliveryError

_NUMBER = re.compile(r"\b\d{2}-\d{4}-\d{6,}\b")
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|ответ|отв)\s*(\[\d+\])?\s*:\s*)+", re.I)
_AUTOMATIC_KINDS = frozenset({"ack", "status", "staff_reminder"})  # written by the system, not by a person
_SUBJECTS = {
    "ack": "Обращение № {number} зарегистрировано",
    "status": "Обращение № {number}: изменение статуса",
    "reply_interim": "Промежуточный ответ по обращению № {number}",
    "reply_final": "Ответ по обращению № {number}",
    "reply_clarification": "Уточнение по обращению № {number}",
    "staff_reminder": "Срок по обращению № {number}",
}
_templates = Environment(
    loader=PackageLoader("otklik.channels.email", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def compose_letter(notice: OutboundNotice, settings: EmailSettings) -> EmailMessage:
    """One letter per notice; its Message-ID comes from the idempotency key, so a resend is recognisable."""
    assert settings.from_address
    recipient: Mapping[str, Any] = notice.recipient
    context: Mapping[str, Any] = recipient.get("context") or {}
    author: Mapping[str, Any] = recipient.get("author") or {}
    to_address = context.get("reply_to") or author.get("email")
    if not to_address:
        raise PermanentDeliveryError("the citizen left no e-mail address to answer to")
    number_match = _NUMBER.search(notice.text)
    number = number_match[0] if number_match else None
    subject = _subject(notice.kind, str(context.get("subject") or ""), number)
    values = {
        "name": author.get("name"),
        "text": notice.text,
        "paragraphs": [p.strip() for p in notice.text.split("\n\n") if p.strip()],
        "number": number,
        "from_name": settings.from_name,
        "title": subject,
    }
    letter = EmailMessage(policy=policy.SMTP)
    letter["From"] = formataddr((settings.from_name, settings.from_address))
    letter["To"] = formataddr((author.get("name") or "", to_address))
    letter["Subject"] = subject
    letter["Date"] = formatdate(localtime=True)
    letter["Message-ID"] = message_id_for(notice.idempotency_key, settings.from_address)
    _thread(letter, context)
    if notice.kind in _AUTOMATIC_KINDS:
        letter["Auto-Submitted"] = "auto-replied"  # RFC 3834: auto-responders must not answer this
    letter["Content-Language"] = "ru"
    letter.set_content(_templates.get_template("letter.txt.j2").render(values), charset="utf-8")
    letter.add_alternative(_templates.get_template("letter.html.j2").render(values), subtype="html", charset="utf-8")
    return letter


def message_id_for(idempotency_key: str, from_address: str) -> str:
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<otklik.{digest}@{from_address.rpartition('@')[2] or 'otklik.local'}>"


def _subject(kind: str, original: str, number: str | None) -> str:
    topic = _REPLY_PREFIX.sub("", original).strip()
    if topic:
        return f"Re: {topic} (обращение № {number})" if number else f"Re: {topic}"
    if number:
        return _SUBJECTS.get(kind, "Обращение № {number}").format(number=number)
    return "Ваше обращение"


def _thread(letter: EmailMessage, context: Mapping[str, Any]) -> None:
    """In-Reply-To and References (RFC 5322 §3.6.4) put the answer under the citizen's letter in their mail app."""
    parent = context.get("message_id")
    if not parent:
        return
    references = [str(ref) for ref in context.get("references") or [] if ref != parent]
    letter["In-Reply-To"] = parent
    letter["References"] = " ".join([*references, parent])
