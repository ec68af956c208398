"""Incidents in the workplace: the list, one incident with its reporters, confirm / split / add / answer once.

The forms post here and come back with a message; the rules (who may, in which state) are services/incidents.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from otklik.domain.access import Action
from otklik.domain.errors import DomainError, InvalidInput
from otklik.domain.incidents import IncidentStatus
from otklik.services import incidents as incident_service
from otklik.web.dependencies import Ctx
from otklik.web.ui.rendering import STATUS_RU as APPEAL_STATUS_RU
from otklik.web.ui.rendering import local_time
from otklik.web.ui.session import CsrfSession, Session
from otklik.web.ui.views import CHANNEL_RU, Names, done, page, refused

router = APIRouter(prefix="/ui", include_in_schema=False)

STATUS_RU = {
    IncidentStatus.PROPOSED: "предложен машиной",
    IncidentStatus.CONFIRMED: "подтверждён",
    IncidentStatus.CLOSED: "закрыт ответом",
    IncidentStatus.DISSOLVED: "расформирован",
}


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(request: Request, ctx: Ctx, session: Session, status: str | None = None) -> HTMLResponse:
    wanted = IncidentStatus(status) if status in set(IncidentStatus) else None
    rows = incident_service.list_incidents(ctx, session.principal, status=wanted)
    names = Names(ctx)
    return page(
        request,
        "ui/incidents.html",
        session,
        status=wanted.value if wanted else "",
        statuses=[(s.value, STATUS_RU[s]) for s in IncidentStatus if s is not IncidentStatus.DISSOLVED],
        incidents=[
            {
                "id": r.id,
                "title": r.title,
                "status": STATUS_RU[IncidentStatus(r.status)],
                "status_code": r.status,
                "municipality": names.municipality(r.municipality_id),
                "group": r.group or "—",
                "appeals": r.members,
                "updated": local_time(r.updated_at),
            }
            for r in rows
        ],
    )


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_card(request: Request, ctx: Ctx, session: Session, incident_id: int) -> HTMLResponse:
    detail = incident_service.get_incident(ctx, session.principal, incident_id)
    row, names, principal = detail.incident, Names(ctx), session.principal
    status = IncidentStatus(row.status)
    live = status in (IncidentStatus.PROPOSED, IncidentStatus.CONFIRMED)
    return page(
        request,
        "ui/incident.html",
        session,
        incident={
            "id": row.id,
            "title": row.title,
            "status": STATUS_RU[status],
            "status_code": row.status,
            "municipality": names.municipality(row.municipality_id),
            "group": row.group or "—",
            "created": local_time(row.created_at),
            "confirmed": f"{row.confirmed_by}, {local_time(row.confirmed_at)}" if row.confirmed_at else None,
        },
        members=[
            {
                "appeal_id": m.appeal_id,
                "number": m.number,
                "channel": CHANNEL_RU.get(m.channel, m.channel),
                "status": APPEAL_STATUS_RU.get(m.status, m.status),
                "agency": names.agency(m.agency_id),
                "created": local_time(m.created_at),
                "text": m.text_masked,
                "reasons": ", ".join(m.reasons),
            }
            for m in detail.members
        ],
        can_moderate=principal.can(Action.REJECT) and live,
        can_answer=principal.can(Action.WORK) and status is IncidentStatus.CONFIRMED,
    )


def _back(incident_id: int) -> str:
    return f"/ui/incidents/{incident_id}"


@router.post("/incidents/{incident_id}/confirm")
def confirm(ctx: Ctx, session: CsrfSession, incident_id: int) -> Response:
    try:
        incident_service.confirm(ctx, session.principal, incident_id)
    except DomainError as error:
        return refused(_back(incident_id), error)
    return done(_back(incident_id), "Инцидент подтверждён: теперь на него можно ответить один раз для всех.")


@router.post("/incidents/{incident_id}/split")
def split(
    ctx: Ctx,
    session: CsrfSession,
    incident_id: int,
    appeal_ids: Annotated[list[int] | None, Form()] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        left = incident_service.split(ctx, session.principal, incident_id, appeal_ids or [], reason=reason or None)
    except DomainError as error:
        return refused(_back(incident_id), error)
    if left is None:
        return done("/ui/incidents", "Инцидент расформирован: в нём осталось одно обращение.")
    return done(_back(incident_id), "Обращения выделены из инцидента.")


@router.post("/incidents/{incident_id}/add")
def add_appeal(
    ctx: Ctx, session: CsrfSession, incident_id: int, appeal_id: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    try:
        if not appeal_id.strip().isdigit():
            raise InvalidInput("укажите номер (id) обращения цифрами")
        incident_service.add_appeal(ctx, session.principal, incident_id, int(appeal_id))
    except DomainError as error:
        return refused(_back(incident_id), error)
    return done(_back(incident_id), "Обращение добавлено в инцидент.")


@router.post("/incidents/{incident_id}/answer")
def answer(
    ctx: Ctx, session: CsrfSession, incident_id: int, text: Annotated[str, Form(max_length=20_000)] = ""
) -> Response:
    try:
        outcomes = incident_service.answer(ctx, session.principal, incident_id, text)
    except DomainError as error:
        return refused(_back(incident_id), error)
    published = sum(o.outcome == "published" for o in outcomes)
    review = sum(o.outcome == "review" for o in outcomes)
    return done(_back(incident_id), f"Ответ: опубликован {published}, на проверке {review}, пропущено "
                f"{len(outcomes) - published - review}.")  # fmt: skip
