"""Incidents: list, open, confirm, split, add an appeal, answer once for all. The rules are services/incidents.py."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from otklik.adapters.db.repositories.incidents import IncidentRow
from otklik.domain.errors import InvalidInput
from otklik.domain.incidents import IncidentStatus
from otklik.services import incidents as incident_service
from otklik.services.incidents import IncidentDetail
from otklik.web.auth import StaffPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.schemas.incidents import (
    AddAppealIn,
    IncidentAnswerIn,
    IncidentAnswerOut,
    IncidentDetailOut,
    IncidentMemberOut,
    IncidentOut,
    SplitIn,
)

router = APIRouter(tags=["incidents"])


def incident_out(row: IncidentRow) -> IncidentOut:
    return IncidentOut(
        id=row.id,
        status=row.status,
        municipality_id=row.municipality_id,
        group=row.group,
        topic=row.topic,
        title=row.title,
        created_at=row.created_at,
        updated_at=row.updated_at,
        confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at,
        closed_at=row.closed_at,
        appeals=row.members,
    )


def detail_out(detail: IncidentDetail) -> IncidentDetailOut:
    return IncidentDetailOut(
        **incident_out(detail.incident).model_dump(),
        members=[
            IncidentMemberOut(
                appeal_id=m.appeal_id,
                number=m.number,
                channel=m.channel,
                status=m.status,
                agency_id=m.agency_id,
                created_at=m.created_at,
                text=m.text_masked,
                added_by=m.added_by,
                score=m.score,
                reasons=list(m.reasons),
            )
            for m in detail.members
        ],
    )


@router.get("/api/v1/incidents", response_model=list[IncidentOut])
def list_incidents(
    ctx: Ctx,
    principal: StaffPrincipal,
    status: str | None = Query(None, description="proposed, confirmed, closed or dissolved"),
    limit: int = Query(100, ge=1, le=500),
) -> list[IncidentOut]:
    """Incidents with at least one appeal in the reader's scope, the latest change first."""
    wanted = None
    if status is not None:
        try:
            wanted = IncidentStatus(status)
        except ValueError:
            raise InvalidInput(f"unknown incident status {status!r}") from None
    rows = incident_service.list_incidents(ctx, principal, status=wanted, limit=limit)
    return [incident_out(row) for row in rows]


@router.get("/api/v1/incidents/{incident_id}", response_model=IncidentDetailOut)
def get_incident(incident_id: int, ctx: Ctx, principal: StaffPrincipal) -> IncidentDetailOut:
    return detail_out(incident_service.get_incident(ctx, principal, incident_id))


@router.post("/api/v1/incidents/{incident_id}/confirm", response_model=IncidentDetailOut)
def confirm(incident_id: int, ctx: Ctx, principal: StaffPrincipal) -> IncidentDetailOut:
    """A moderator agrees the appeals are one problem; then one answer may close it."""
    return detail_out(incident_service.confirm(ctx, principal, incident_id))


@router.post("/api/v1/incidents/{incident_id}/split", response_model=IncidentDetailOut | None)
def split(incident_id: int, body: SplitIn, ctx: Ctx, principal: StaffPrincipal, response: Response) -> object:
    """Take appeals out (each becomes a problem of its own); an incident left with one appeal is dissolved (204)."""
    detail = incident_service.split(ctx, principal, incident_id, body.appeal_ids, reason=body.reason)
    if detail is None:
        response.status_code = 204
        return None
    return detail_out(detail)


@router.post("/api/v1/incidents/{incident_id}/appeals", response_model=IncidentDetailOut)
def add_appeal(incident_id: int, body: AddAppealIn, ctx: Ctx, principal: StaffPrincipal) -> IncidentDetailOut:
    """A moderator adds an appeal the machine did not group (409 if it is in another incident)."""
    return detail_out(incident_service.add_appeal(ctx, principal, incident_id, body.appeal_id))


@router.post("/api/v1/incidents/{incident_id}/answer", response_model=list[IncidentAnswerOut])
def answer(incident_id: int, body: IncidentAnswerIn, ctx: Ctx, principal: StaffPrincipal) -> list[IncidentAnswerOut]:
    """One final answer to every open appeal of the confirmed incident: each reporter hears it in their channel."""
    outcomes = incident_service.answer(ctx, principal, incident_id, body.text)
    return [IncidentAnswerOut(**vars(o)) for o in outcomes]
