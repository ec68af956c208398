"""The moderators' queue: what needs a person, with the engine's suggestion; accept, correct, assign, reject, ask
for details, bulk actions, the «Не обращения» tab, and a live stream of changes for the open page.

Every action is a CSRF-checked form calling the same use cases as the API (services/moderation.py,
services/appeals.py); the services decide who may do what, the page only hides what a role cannot do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.errors import DomainError, InvalidInput
from otklik.domain.status import AppealStatus, RejectReason
from otklik.services import appeals as appeal_service
from otklik.services import moderation as moderation_service
from otklik.services.context import ServiceContext
from otklik.services.staff import routable_agencies
from otklik.web.dependencies import Ctx
from otklik.web.live_stream import scoped_event_stream
from otklik.web.ui.rendering import local_time
from otklik.web.ui.session import CsrfSession, Session
from otklik.web.ui.views import AppealRow, Names, appeal_row, done, doubtful, page, percent, refused, safe_back

router = APIRouter(prefix="/ui", include_in_schema=False)
QUEUE = "/ui/moderation"
TOPIC_SEPARATOR = "::"  # one select names group and topic: "ЖКХ::Отопление"

Back = Annotated[str, Form(max_length=500)]


@dataclass(frozen=True)
class QueueEntry:
    row: AppealRow
    group: str | None
    topic: str | None
    category_confidence: str
    category_doubtful: bool
    municipality_id: str | None
    municipality: str
    agency_id: str | None
    agency: str
    routing_confidence: str
    routing_doubtful: bool
    explanation: list[str]
    redirect: str | None  # a body's «not ours» with its justification


def queue_entry(item: moderation_service.QueueItem, names: Names, ctx: ServiceContext) -> QueueEntry:
    suggestion, appeal = item.suggestion, item.appeal
    redirect = None
    if item.redirect is not None:
        asked = item.redirect
        redirect = (
            f"{asked.by} ({local_time(asked.at)}): передать из «{names.agency(asked.from_agency_id)}» "
            f"в «{names.agency(asked.to_agency_id)}» — {asked.justification or 'без обоснования'}"
        )
    return QueueEntry(
        row=appeal_row(appeal, names, ctx.clock.now(), text_length=600),
        group=suggestion.group,
        topic=suggestion.topic,
        category_confidence=percent(suggestion.category_confidence),
        category_doubtful=doubtful(suggestion.category_confidence),
        municipality_id=suggestion.municipality_id,
        municipality=names.municipality(suggestion.municipality_id),
        agency_id=suggestion.agency_id,
        agency=names.agency(suggestion.agency_id),
        routing_confidence=percent(suggestion.routing_confidence),
        routing_doubtful=doubtful(suggestion.routing_confidence),
        explanation=item.explanation,
        redirect=redirect,
    )


def choices(ctx: ServiceContext, principal: Principal) -> dict[str, Any]:
    """What the correction and assignment selects offer: the rubricator, the municipalities, the bodies the
    person may assign to (a district moderator: the district's and the region-wide ones)."""
    names = Names(ctx)
    # Every municipality: a district moderator may hand a mislocated appeal over to the right district.
    municipalities = [(m.id, m.name) for m in sorted(ctx.reference.municipalities, key=lambda m: m.name)]
    allowed = routable_agencies(ctx, principal) if principal.can(Action.ROUTE) else []
    return {
        "groups": [
            (g.name, [(f"{g.name}{TOPIC_SEPARATOR}{t.name}", t.name) for t in g.topics if t.active])
            for g in ctx.reference.rubricator.groups
            if g.active
        ],
        "municipalities": municipalities,
        "agencies": sorted(((a, names.agency(a)) for a in allowed), key=lambda pair: pair[1]),
        "topic_separator": TOPIC_SEPARATOR,
    }


@router.get("/moderation", response_class=HTMLResponse)
def queue(request: Request, ctx: Ctx, session: Session, tab: str = "queue", fragment: bool = False) -> HTMLResponse:
    principal = session.principal
    authorize(principal, Action.MODERATE)
    names = Names(ctx)
    context: dict[str, Any] = {"tab": "not_appeals" if tab == "not_appeals" else "queue", **choices(ctx, principal)}
    if context["tab"] == "not_appeals":
        items = moderation_service.not_appeals(ctx, principal)
        context["messages"] = [
            {
                "id": m.message_id,
                "channel": m.channel,
                "received": local_time(m.received_at),
                "text": m.text_masked,
                "score": percent(m.appeal_score),
                "threshold": percent(m.threshold),
                "municipality": names.municipality(m.municipality_id),
                "reason": m.reason,
            }
            for m in items
        ]
    else:
        context["entries"] = [queue_entry(i, names, ctx) for i in moderation_service.moderation_queue(ctx, principal)]
    template = "ui/_queue_list.html" if fragment and context["tab"] == "queue" else "ui/moderation.html"
    return page(request, template, session, **context)


@router.get("/moderation/stream")
def stream(ctx: Ctx, session: Session) -> StreamingResponse:
    """The UI twin of /api/v1/moderation/stream on the cookie session: each registered or changed appeal in
    the person's scope as `data: {...}`, a comment line while it is quiet. The page then reloads its list."""
    return scoped_event_stream(ctx, session.principal)


# --- actions -----------------------------------------------------------------------------------------------


@router.post("/moderation/{appeal_id}/accept")
def accept(appeal_id: int, ctx: Ctx, session: CsrfSession, back: Back = QUEUE) -> Response:
    url = safe_back(back, QUEUE)
    try:
        appeal = moderation_service.accept(ctx, session.principal, appeal_id)
    except DomainError as error:
        return refused(url, error)
    return done(url, f"Обращение {appeal.number} принято и передано в «{Names(ctx).agency(appeal.agency_id)}».")


@router.post("/moderation/{appeal_id}/correct")
def correct(
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    topic: Annotated[str, Form(max_length=400)] = "",
    municipality_id: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    back: Back = QUEUE,
) -> Response:
    url = safe_back(back, QUEUE)
    group, _, topic_name = topic.partition(TOPIC_SEPARATOR)
    correction = appeal_service.Correction(
        group=group or None,
        topic=topic_name or None,
        municipality_id=municipality_id or None,
        reason=reason.strip() or None,
    )
    try:
        appeal = appeal_service.correct(ctx, session.principal, appeal_id, correction)
    except DomainError as error:
        return refused(url, error)
    if not scope_of(session.principal).admits(appeal.municipality_id, appeal.agency_id, appeal.status):
        # handed over to another district: its card is no longer this moderator's to open
        return done(QUEUE, f"Обращение {appeal.number} передано в {Names(ctx).municipality(appeal.municipality_id)}.")
    return done(url, f"Разбор обращения {appeal.number} исправлен.")


@router.post("/moderation/{appeal_id}/assign")
def assign(
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    agency_id: Annotated[str, Form(max_length=100)],
    reason: Annotated[str, Form(max_length=1000)] = "",
    back: Back = QUEUE,
) -> Response:
    url = safe_back(back, QUEUE)
    request = appeal_service.TransitionRequest(
        AppealStatus.ASSIGNED, agency_id=agency_id, reason=reason.strip() or "назначено модератором"
    )
    try:
        appeal = appeal_service.change_status(ctx, session.principal, appeal_id, request)
    except DomainError as error:
        return refused(url, error)
    return done(url, f"Обращение {appeal.number} назначено: «{Names(ctx).agency(appeal.agency_id)}».")


def _duplicate_id(ctx: ServiceContext, principal: Principal, value: str) -> int:
    """«Дубликат №…»: the number people see (44-2026-000123) or the id."""
    value = value.strip().lstrip("№").strip()
    if value.isdigit():
        return int(value)
    found, _ = appeal_service.list_appeals(ctx, principal, AppealFilter(query=value, per_page=5))
    exact = [a.id for a in found if a.number == value and a.id is not None]
    if not exact:
        raise InvalidInput(f"обращение №{value} не найдено: укажите номер оригинала")
    return exact[0]


@router.post("/moderation/{appeal_id}/reject")
def reject(
    appeal_id: int,
    ctx: Ctx,
    session: CsrfSession,
    reject_reason: Annotated[str, Form(max_length=20)],
    duplicate_of: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    back: Back = QUEUE,
) -> Response:
    url = safe_back(back, QUEUE)
    try:
        why = RejectReason(reject_reason)
    except ValueError:
        return done(url, "Выберите причину отклонения.", error=True)
    try:
        original = _duplicate_id(ctx, session.principal, duplicate_of) if why is RejectReason.DUPLICATE else None
        request = appeal_service.TransitionRequest(
            AppealStatus.REJECTED, reason=reason.strip() or None, reject_reason=why, duplicate_of_id=original
        )
        appeal = appeal_service.change_status(ctx, session.principal, appeal_id, request)
    except DomainError as error:
        return refused(url, error)
    return done(url, f"Обращение {appeal.number} отклонено.")


@router.post("/moderation/bulk")
def bulk(
    ctx: Ctx,
    session: CsrfSession,
    action: Annotated[str, Form(max_length=20)],
    ids: Annotated[list[int] | None, Form()] = None,
    reject_reason: Annotated[str, Form(max_length=20)] = "",
    back: Back = QUEUE,
) -> Response:
    url = safe_back(back, QUEUE)
    if not ids:
        return done(url, "Отметьте обращения флажками.", error=True)
    if action not in ("accept", "reject"):
        return done(url, "Неизвестное действие.", error=True)
    why = RejectReason(reject_reason) if reject_reason in {r.value for r in RejectReason} else None
    try:
        result = moderation_service.bulk(
            ctx, session.principal, ids, "accept" if action == "accept" else "reject", reject_reason=why
        )
    except DomainError as error:
        return refused(url, error)
    verb = "принято" if action == "accept" else "отклонено"
    text = f"{verb.capitalize()}: {len(result.done)}."
    if result.failed:
        text += " Не удалось: " + "; ".join(f"id {i} — {why}" for i, why in result.failed.items())
    return done(url, text, error=bool(result.failed) and not result.done)


@router.post("/moderation/messages/{message_id}/promote")
def promote(
    message_id: int,
    ctx: Ctx,
    session: CsrfSession,
    reason: Annotated[str, Form(max_length=1000)] = "",
    back: Back = QUEUE + "?tab=not_appeals",
) -> Response:
    url = safe_back(back, QUEUE + "?tab=not_appeals")
    try:
        appeal = moderation_service.promote(ctx, session.principal, message_id, reason=reason.strip() or None)
    except DomainError as error:
        return refused(url, error)
    return done(url, f"Сообщение стало обращением {appeal.number}.")
