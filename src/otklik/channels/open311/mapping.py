"""Open311 ↔ Otklik: statuses, dates, the request element, update elements, and a POST as an inbound message."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from otklik.adapters.db.repositories.appeal_feed import FeedRow, NoticeRow
from otklik.channels.open311.catalog import CLIENT_ID_ATTRIBUTE, FORMAL_ATTRIBUTE, Service
from otklik.channels.open311.formats import Open311Error
from otklik.domain.appeal import Appeal
from otklik.domain.calendar import MOSCOW
from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage
from otklik.domain.status import AppealStatus as S
from otklik.domain.status import RejectReason

# Open311 knows two statuses. An appeal is closed once it has a final answer or was rejected.
CLOSED = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED})
OPEN = frozenset(S) - CLOSED

# The mySociety extended statuses (open311-adapter Role/mySociety.pm) for the updates feed.
_UPDATE_STATUS = {
    S.NEW: "open",
    S.NEEDS_MODERATION: "for_triage",
    S.ASSIGNED: "investigating",
    S.IN_PROGRESS: "in_progress",
    S.ANSWERED: "in_progress",
    S.RESOLVED: "fixed",
    S.CLOSED: "closed",
    S.REOPENED: "reopen",
    S.REDIRECTED: "investigating",  # still ours: another body takes it (FixMyStreet would close on a referral)
    S.REJECTED: "no_further_action",
}
_REPLY_STATUS = {"reply_interim": "in_progress", "reply_final": "fixed", "reply_clarification": "investigating"}
MAX_CLIENT_ID = 150


def open_or_closed(status: str) -> str:
    return "closed" if S(status) in CLOSED else "open"


def statuses_for(values: Iterable[str]) -> tuple[str, ...]:
    """`open,closed` → our statuses; anything else is a 400."""
    chosen: set[str] = set()
    for value in values:
        if value == "open":
            chosen |= {s.value for s in OPEN}
        elif value == "closed":
            chosen |= {s.value for s in CLOSED}
        else:
            raise Open311Error(400, f"status {value!r} неизвестен; допустимо: open, closed")
    return tuple(sorted(chosen))


def w3c(moment: datetime | None) -> str | None:
    """W3C date-time with the zone, in Moscow time (the region's): 2026-11-28T13:00:00+03:00."""
    return moment.astimezone(MOSCOW).isoformat(timespec="seconds") if moment else None


def parse_w3c(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error(400, f"{name}: {value!r} — не дата W3C, пример: 2026-11-28T00:00:00Z") from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name}: {value!r} — укажите часовой пояс (Z или ±ЧЧ:ММ)")
    return moment


def registration_notice(appeal: Appeal) -> str:
    text = f"Обращение зарегистрировано под номером {appeal.number}."
    if appeal.due_at is not None:
        text += f" Ответ ожидается до {appeal.due_at.astimezone(MOSCOW):%d.%m.%Y %H:%M} (МСК)."
    return text


def request_view(row: FeedRow, *, code: str | None, agency: str | None, notes: str | None) -> dict[str, Any]:
    appeal = row.appeal
    posted = row.context.get("open311", {})
    closed = S(appeal.status) in CLOSED
    closed_at = appeal.closed_at or appeal.resolved_at or row.updated_at
    media = posted.get("media_url") or [a.get("url") for a in row.attachments if a.get("url")]
    return {
        "service_request_id": appeal.number,
        "status": open_or_closed(appeal.status),
        "status_notes": notes,
        "service_name": appeal.topic or posted.get("topic"),
        "service_code": code or posted.get("service_code"),
        "description": appeal.text_masked,
        "agency_responsible": agency,
        "service_notice": registration_notice(appeal),
        "requested_datetime": w3c(appeal.created_at),
        "updated_datetime": w3c(closed_at if closed else row.updated_at),
        "expected_datetime": w3c(appeal.due_at),
        "address": appeal.address,
        "address_id": posted.get("address_id"),
        "zipcode": None,
        "lat": appeal.lat,
        "long": appeal.lon,
        "media_url": media[0] if media else None,
    }


def update_status(notice: NoticeRow) -> str:
    if notice.kind in _REPLY_STATUS:
        return _REPLY_STATUS[notice.kind]
    if notice.kind == "ack":
        return "open"
    if notice.status == S.REJECTED and notice.reject_reason == RejectReason.DUPLICATE:
        return "duplicate"
    return _UPDATE_STATUS.get(S(notice.status), "open")


def update_view(notice: NoticeRow, description: str) -> dict[str, Any]:
    return {
        "update_id": str(notice.id),
        "service_request_id": notice.appeal_number,
        "status": update_status(notice),
        "updated_datetime": w3c(notice.at),
        "description": description,
        "media_url": None,
    }


def _one(form: Mapping[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[-1].strip()


def _point(form: Mapping[str, list[str]]) -> tuple[float | None, float | None]:
    lat_text, lon_text = _one(form, "lat"), _one(form, "long")
    if bool(lat_text) != bool(lon_text):
        raise Open311Error(400, "lat и long передаются только вместе")
    if not lat_text:
        return None, None
    try:
        return float(lat_text), float(lon_text)
    except ValueError:
        raise Open311Error(400, f"lat/long должны быть числами WGS84, получено {lat_text!r}, {lon_text!r}") from None


def inbound_message(
    form: Mapping[str, list[str]],
    *,
    service: Service,
    client: str,
    idempotency_key: str | None,
    now: datetime,
    max_description: int,
) -> InboundMessage:
    """A POST requests body as the inbound message; the client's request id (or key) makes retries one appeal."""
    lat, lon = _point(form)
    address, address_id = _one(form, "address_string"), _one(form, "address_id")
    if lat is None and not address and not address_id:
        raise Open311Error(400, "нужно место: lat и long, address_string или address_id")
    description = _one(form, "description")
    if len(description) > max_description:
        raise Open311Error(400, f"description длиннее {max_description} символов ({len(description)})")
    formal = _one(form, f"attribute[{FORMAL_ATTRIBUTE}]")
    if formal not in ("", "yes", "no"):
        raise Open311Error(400, f"attribute[{FORMAL_ATTRIBUTE}]: допустимо yes или no")
    client_id = _one(form, f"attribute[{CLIENT_ID_ATTRIBUTE}]") or (idempotency_key or "").strip()
    if len(client_id) > MAX_CLIENT_ID:
        raise Open311Error(400, f"номер заявки клиента длиннее {MAX_CLIENT_ID} символов")
    account_id, device_id = _one(form, "account_id"), _one(form, "device_id")
    person = f"{client}:{account_id}" if account_id else (f"{client}:device:{device_id}" if device_id else None)
    name = " ".join(part for part in (_one(form, "first_name"), _one(form, "last_name")) if part)
    media = [url.strip() for url in form.get("media_url", []) + form.get("media_url[]", []) if url.strip()]
    return InboundMessage(
        channel=Channel.OPEN311,
        external_id=f"{client}:{client_id or uuid.uuid4()}",
        text=description or service.topic.name,
        created_at=now,
        author=Author(
            name=name or None,
            external_id=person,
            phone=_one(form, "phone") or None,
            email=_one(form, "email") or None,
        ),
        lat=lat,
        lon=lon,
        address=address or None,
        context={
            "open311": {
                "client": client,
                "service_code": service.code,
                "topic": service.topic.name,
                "group": service.topic.group,
                "account_id": account_id or None,
                "address_id": address_id or None,
                "media_url": media,
            }
        },
        formal=formal == "yes",
    )
