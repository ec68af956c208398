"""View models of the workplace: what a template shows, already in Russian, and the flash message that follows
an action's redirect. Templates get plain values; they never reach into domain objects' rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from otklik.adapters.db.repositories.deliveries import Delivery
from otklik.domain.answers import AnswerDraft
from otklik.domain.appeal import Appeal
from otklik.domain.errors import DomainError
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.extensions import Extension
from otklik.domain.status import OPEN_STATUSES
from otklik.services.context import ServiceContext
from otklik.web.ui.rendering import STATUS_RU, local_time, render
from otklik.web.ui.session import UiSession

EVENT_RU: dict[str, str] = {
    EventType.REGISTERED: "обращение зарегистрировано",
    EventType.ANALYSED: "машина разобрала текст",
    EventType.STATUS_CHANGED: "статус изменён",
    EventType.ASSIGNED: "назначен орган",
    EventType.REDIRECTED: "перенаправлено",
    EventType.REPLY_ADDED: "добавлен ответ",
    EventType.RATED: "заявитель оценил ответ",
    EventType.DEADLINE_SET: "установлен срок",
    EventType.NOTIFICATION_QUEUED: "заявителю поставлено уведомление",
    EventType.DELIVERY_FAILED: "уведомление не доставлено",
    EventType.CORRECTED: "модератор исправил разбор",
    EventType.PERSONAL_DATA_VIEWED: "просмотрены контакты заявителя (152-ФЗ)",
    EventType.DEADLINE_REMINDER: "напоминание о сроке",
    EventType.PROMOTED: "сообщение признано обращением",
    EventType.REASSIGNED: "сменился исполнитель",
    EventType.ANSWER_SUBMITTED: "окончательный ответ отправлен на проверку",
    EventType.ANSWER_APPROVED: "модератор одобрил ответ",
    EventType.ANSWER_RETURNED: "модератор вернул ответ на доработку",
    EventType.EXTENSION_REQUESTED: "запрошено продление срока",
    EventType.EXTENSION_APPROVED: "продление срока одобрено",
    EventType.EXTENSION_REJECTED: "в продлении срока отказано",
    EventType.DETAILS_REQUESTED: "у заявителя запрошены уточнения (срок приостановлен)",
    EventType.DETAILS_RECEIVED: "заявитель дал уточнения (срок идёт дальше)",
    EventType.INCIDENT_LINKED: "объединено в инцидент с другими сообщениями о той же проблеме",
    EventType.INCIDENT_CONFIRMED: "модератор подтвердил инцидент",
    EventType.INCIDENT_SPLIT: "выделено из инцидента",
}
REJECT_RU = {"spam": "спам", "not_an_appeal": "не обращение", "duplicate": "дубликат"}
REPLY_RU = {"interim": "промежуточный ответ", "final": "окончательный ответ", "clarification": "запрос уточнений"}
DELIVERY_RU = {"pending": "в очереди", "sending": "отправляется", "sent": "доставлено", "dead": "не доставлено"}
CHANNEL_RU = {
    "vk": "ВКонтакте",
    "telegram": "Telegram",
    "portal": "портал",
    "email": "эл. почта",
    "hotline": "горячая линия",
    "112": "112",
    "open311": "Open311",
    "import": "импорт",
}
DELIVERY_KIND_RU = {
    "ack": "подтверждение приёма",
    "status": "смена статуса",
    "reply_interim": "промежуточный ответ",
    "reply_final": "окончательный ответ",
    "reply_clarification": "запрос уточнений",
    "extension": "продление срока",
    "staff_reminder": "напоминание сотруднику",
}
PRIORITY_RU = {"high": "срочно", "normal": "обычный", "low": "низкий"}


LOW_CONFIDENCE = 0.5  # below it the page marks the machine's guess as doubtful (words, not only colour)


# The answer checker's codes (nlp/answer_quality.py) as a moderator reads them in a history line.
FLAG_RU = {
    "no_action": "нет конкретного действия",
    "no_date": "нет даты или срока",
    "no_responsible": "не назван ответственный",
    "template_unchanged": "шаблон без изменений",
    "off_subject": "не о месте и предмете обращения",
    "personal_data": "персональные данные в публичном ответе",
}


def percent(value: float | None) -> str:
    return f"{round(value * 100)} %" if value is not None else "—"


def doubtful(value: float | None) -> bool:
    return value is not None and value < LOW_CONFIDENCE


class Names:
    """Names of bodies and municipalities from the reference snapshot, for people instead of codes."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.agencies = {a.id: a.name for a in ctx.reference.agencies}
        self.municipalities = {m.id: m.name for m in ctx.reference.municipalities}

    def agency(self, agency_id: str | None) -> str:
        return self.agencies.get(agency_id or "", agency_id or "—")

    def municipality(self, municipality_id: str | None) -> str:
        return self.municipalities.get(municipality_id or "", municipality_id or "—")


# --- deadlines ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeadlineView:
    """A deadline as colour plus words: >50 % of the time left normal, 20–50 % amber, <20 % red, past it overdue."""

    due_iso: str
    due_text: str
    left_text: str
    level: str  # "ok" | "warn" | "bad" | "over" | "none"
    level_text: str
    fraction_left: float


_LEVEL_TEXT = {"ok": "в срок", "warn": "срок близко", "bad": "срок истекает", "over": "просрочено", "none": ""}


def deadline_of(appeal: Appeal, now: datetime) -> DeadlineView:
    due = appeal.due_at
    if due is None or appeal.status_enum not in OPEN_STATUSES:
        return DeadlineView("", local_time(due) if due else "—", "", "none", "", 1.0)
    span = (due - appeal.created_at).total_seconds()
    left = (due - now).total_seconds()
    fraction = left / span if span > 0 else (1.0 if left > 0 else 0.0)
    level = "over" if left < 0 else "bad" if fraction < 0.2 else "warn" if fraction <= 0.5 else "ok"
    return DeadlineView(due.isoformat(), local_time(due), duration_ru(left), level, _LEVEL_TEXT[level], fraction)


def duration_ru(seconds: float) -> str:
    """«осталось 2 д 3 ч» / «просрочено на 5 ч 10 мин»: the server's first text; workplace.js keeps it current."""
    past = seconds < 0
    total = int(abs(seconds)) // 60
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = ([f"{days} д"] if days else []) + ([f"{hours} ч"] if hours or days else []) + [f"{minutes} мин"]
    text = " ".join(parts if days == 0 else parts[:2])
    return f"просрочено на {text}" if past else f"осталось {text}"


# --- appeals -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AppealRow:
    id: int
    number: str
    created: str
    channel: str
    status: str
    status_code: str
    priority_high: bool
    group: str
    topic: str
    municipality: str
    agency: str
    text: str
    deadline: DeadlineView


def appeal_row(appeal: Appeal, names: Names, now: datetime, *, text_length: int = 240) -> AppealRow:
    assert appeal.id is not None
    text = appeal.text_masked
    return AppealRow(
        id=appeal.id,
        number=appeal.number,
        created=local_time(appeal.created_at),
        channel=CHANNEL_RU.get(appeal.channel, appeal.channel),
        status=STATUS_RU.get(appeal.status, appeal.status),
        status_code=appeal.status,
        priority_high=appeal.priority == "high",
        group=appeal.group or "—",
        topic=appeal.topic or "",
        municipality=names.municipality(appeal.municipality_id),
        agency=names.agency(appeal.agency_id),
        text=text if len(text) <= text_length else text[: text_length - 1] + "…",
        deadline=deadline_of(appeal, now),
    )


@dataclass(frozen=True)
class EventLine:
    at: str
    actor: str
    what: str
    details: list[str]


def event_line(event: AppealEvent, names: Names) -> EventLine:
    """One history entry in Russian: when, who, what, and the values that matter to a reader."""
    what = EVENT_RU.get(event.type, event.type)
    details: list[str] = []
    data: dict[str, Any] = event.data or {}
    if event.type == EventType.STATUS_CHANGED:
        before = STATUS_RU.get(event.from_status or "", event.from_status or "—")
        after = STATUS_RU.get(event.to_status or "", event.to_status or "—")
        what = f"статус: {before} → {after}"
        if data.get("redirect_requested"):
            details.append(f"орган предлагает передать в: {names.agency(data.get('to_agency_id'))}")
        elif data.get("to_agency_id"):
            details.append(f"орган: {names.agency(data.get('to_agency_id'))}")
        if data.get("reject_reason"):
            details.append(f"причина отклонения: {REJECT_RU.get(data['reject_reason'], data['reject_reason'])}")
        if data.get("duplicate_of_id"):
            details.append(f"дубликат обращения id {data['duplicate_of_id']}")
    elif event.type == EventType.CORRECTED:
        details.extend(_correction_details(data, names))
    elif event.type == EventType.REPLY_ADDED:
        details.append(REPLY_RU.get(str(data.get("kind")), str(data.get("kind", ""))))
    elif event.type == EventType.RATED:
        solved = "решено" if data.get("solved") else "не решено"
        details.append(f"оценка {data.get('score')} из 5, «{solved}»")
    elif event.type == EventType.REASSIGNED:
        person = data.get("after") or {}
        details.append(f"исполнитель: {person.get('name') or person.get('login') or '—'}")
    elif event.type == EventType.DEADLINE_REMINDER and data.get("kind"):
        details.append(str(data["kind"]))
    elif event.type in (EventType.EXTENSION_REQUESTED, EventType.EXTENSION_APPROVED) and data.get("days"):
        details.append(f"на {data['days']} дн.")
    elif event.type == EventType.ANSWER_SUBMITTED and data.get("flags"):
        details.append("замечания проверки: " + ", ".join(FLAG_RU.get(str(f), str(f)) for f in data["flags"]))
    if event.reason:
        details.append(f"основание: {event.reason}")
    return EventLine(local_time(event.at), event.actor, what, details)


def _correction_details(data: dict[str, Any], names: Names) -> list[str]:
    before, after = data.get("before") or {}, data.get("after") or {}
    lines = []
    if (before.get("group"), before.get("topic")) != (after.get("group"), after.get("topic")):
        lines.append(f"тема: {before.get('topic') or '—'} → {after.get('topic') or '—'}")
    if before.get("municipality_id") != after.get("municipality_id"):
        was, now = names.municipality(before.get("municipality_id")), names.municipality(after.get("municipality_id"))
        lines.append(f"муниципалитет: {was} → {now}")
    return lines


@dataclass(frozen=True)
class DeliveryLine:
    at: str
    channel: str
    kind: str
    status: str
    status_code: str
    error: str | None


def delivery_line(delivery: Delivery) -> DeliveryLine:
    return DeliveryLine(
        local_time(delivery.sent_at or delivery.created_at),
        CHANNEL_RU.get(delivery.channel, delivery.channel),
        DELIVERY_KIND_RU.get(delivery.kind, delivery.kind),
        DELIVERY_RU.get(delivery.status, delivery.status),
        delivery.status,
        delivery.last_error,
    )


@dataclass(frozen=True)
class DraftView:
    """A final answer's draft for the executor (status, flags, the moderator's comment) and the reviewer."""

    id: int
    appeal_id: int
    status: str
    status_code: str
    text: str
    author: str
    at: str
    flags: list[str]
    score: str
    likely_formal: bool
    comment: str | None
    reviewer: str | None


def draft_view(draft: AnswerDraft) -> DraftView:
    assert draft.id is not None
    return DraftView(
        id=draft.id,
        appeal_id=draft.appeal_id,
        status=draft.status_ru,
        status_code=draft.status,
        text=draft.text,
        author=draft.author,
        at=local_time(draft.submitted_at),
        flags=[flag.message for flag in draft.flags],
        score=percent(draft.score),
        likely_formal=draft.score >= 0.5,
        comment=draft.review_comment,
        reviewer=draft.reviewer,
    )


EXTENSION_RU = {"pending": "ждёт решения", "approved": "одобрено", "rejected": "отказано"}


@dataclass(frozen=True)
class ExtensionView:
    id: int
    appeal_id: int
    days: int
    reason: str
    requested_by: str
    at: str
    status: str
    status_code: str
    comment: str | None


def extension_view(extension: Extension) -> ExtensionView:
    assert extension.id is not None
    return ExtensionView(
        extension.id,
        extension.appeal_id,
        extension.days,
        extension.reason,
        extension.requested_by,
        local_time(extension.requested_at),
        EXTENSION_RU.get(extension.status, extension.status),
        extension.status,
        extension.comment,
    )


# --- flash messages and redirects back ---------------------------------------------------------------------
FLASH_COOKIE = "otklik_flash"


def safe_back(value: str | None, default: str) -> str:
    """Back to a page of this site only: an action never redirects to another host."""
    if value and value.startswith("/ui/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def done(url: str, text: str, *, error: bool = False) -> RedirectResponse:
    """The answer to an action: back to the page, with one message shown there once (a short cookie)."""
    response = RedirectResponse(url, status_code=303)
    value = ("e:" if error else "o:") + quote(text[:600], safe="")
    response.set_cookie(FLASH_COOKIE, value, max_age=120, httponly=True, samesite="lax", path="/ui")
    return response


def refused(url: str, error: DomainError) -> Response:
    """A refused action on a page the person may see: back to it with the reason. A 403 or a 404 is raised
    instead, so the person gets the error page (and a 404 gives no hint that the appeal exists)."""
    if error.http_status in (403, 404):
        raise error
    return done(url, error.reason, error=True)


def page(request: Request, template: str, session: UiSession, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A screen with the flash message of the last action (if any), which is then forgotten."""
    raw = request.cookies.get(FLASH_COOKIE)
    flash = None
    if raw and raw[:2] in ("o:", "e:"):
        flash = {"error": raw.startswith("e:"), "text": unquote(raw[2:])}
    response = render(request, template, session, status_code, flash=flash, **context)
    if raw:
        response.delete_cookie(FLASH_COOKIE, path="/ui")
    return response
