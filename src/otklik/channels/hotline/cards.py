"""A call card of the hotline or of 112, and how it becomes an inbound message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from otklik.domain.channels import Channel
from otklik.domain.errors import InvalidInput
from otklik.domain.message import Author, InboundMessage

MOSCOW = ZoneInfo("Europe/Moscow")
LINES = {"hotline": Channel.HOTLINE, "112": Channel.EMERGENCY_112}
_LINE_ALIASES = {"": "hotline", "hotline": "hotline", "горячая линия": "hotline", "112": "112", "еддс": "112"}
_TIME_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y")


@dataclass(frozen=True)
class CallCard:
    """What the operator wrote down; the call time is when the citizen called, not when it was typed in."""

    text: str
    call_time: datetime
    line: str = "hotline"  # "hotline" or "112"
    caller_name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    card_id: str | None = None  # the card's number in the hotline's own system, when it has one
    operator: str | None = None

    @property
    def channel(self) -> Channel:
        return LINES[self.line]

    def external_id(self) -> str:
        """The card id when there is one; otherwise a hash of what identifies the call (stable across re-runs)."""
        if self.card_id and self.card_id.strip():
            return f"{self.line}:{self.card_id.strip()}"
        basis = "\x1f".join([self.line, self.phone or "", self.call_time.isoformat(), " ".join(self.text.split())])
        return f"{self.line}:h:{hashlib.sha256(basis.encode()).hexdigest()[:32]}"

    def to_message(self) -> InboundMessage:
        context: dict[str, str] = {"line": self.line}
        if self.card_id:
            context["card_id"] = self.card_id.strip()
        if self.operator:
            context["operator"] = self.operator
        return InboundMessage(
            channel=self.channel,
            external_id=self.external_id(),
            text=self.text.strip(),
            created_at=self.call_time,
            author=Author(name=self.caller_name or None, phone=self.phone or None, email=self.email or None),
            address=self.address or None,
            context=context,
        )


def parse_line(value: str | None) -> str:
    """ "hotline" or "112" from what operators write in that column."""
    key = (value or "").strip().lower()
    if key not in _LINE_ALIASES:
        raise InvalidInput(f"line {value!r} is unknown: use 'hotline' or '112'")
    return _LINE_ALIASES[key]


def parse_call_time(value: str | datetime | None) -> datetime:
    """ISO 8601 or the Russian dd.mm.yyyy hh:mm; a time without a zone is Moscow time."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = (value or "").strip()
        if not text:
            raise InvalidInput("call_time is empty: when did the citizen call?")
        moment = _parse_text_time(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=MOSCOW)


def _parse_text_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for pattern in _TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise InvalidInput(f"call_time {text!r} is not a date and time (use 2026-11-28T10:00:00+03:00 or 28.11.2026 10:00)")


def card_from_fields(fields: dict[str, object]) -> CallCard:
    """A card from loosely typed fields (a CSV row or a JSON object); every problem as an InvalidInput."""
    unknown = {key for key in fields if key not in _FIELDS and key is not None}
    if unknown:
        raise InvalidInput(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; known: {', '.join(_FIELDS)}")

    def text_of(key: str) -> str | None:
        value = fields.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int | float):
            raise InvalidInput(f"{key} must be text")
        return str(value).strip() or None

    text = text_of("text")
    if not text:
        raise InvalidInput("text is empty: what did the caller report?")
    phone = text_of("phone")
    if phone is not None and not 5 <= sum(ch.isdigit() for ch in phone) <= 15:
        raise InvalidInput(f"phone {phone!r} is not a phone number")
    email = text_of("email")
    if email is not None and "@" not in email:
        raise InvalidInput(f"email {email!r} is not an e-mail address")
    raw_time = fields.get("call_time")
    if raw_time is not None and not isinstance(raw_time, str | datetime):
        raise InvalidInput("call_time must be text like 2026-11-28T10:00:00+03:00")
    return CallCard(
        text=text,
        call_time=parse_call_time(raw_time),
        line=parse_line(text_of("line")),
        caller_name=text_of("caller_name"),
        phone=phone,
        email=email,
        address=text_of("address"),
        card_id=text_of("card_id"),
        operator=text_of("operator"),
    )


_FIELDS = ("card_id", "line", "call_time", "caller_name", "phone", "email", "address", "text", "operator")
