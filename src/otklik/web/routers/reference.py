"""Reference data: municipalities, agencies and the rubricator."""

from __future__ import annotations

from fastapi import APIRouter

from otklik.web.dependencies import Ctx
from otklik.web.schemas.reference import AgencyRefOut, CategoryGroupOut, MunicipalityOut, TopicOut

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])


@router.get("/municipalities", response_model=list[MunicipalityOut])
def municipalities(ctx: Ctx) -> list[MunicipalityOut]:
    with ctx.uow(readonly=True) as uow:
        rows = uow.reference.list_municipalities()
    return [MunicipalityOut(id=m.id, name=m.name, type=m.type, oktmo=m.oktmo) for m in rows]


@router.get("/agencies", response_model=list[AgencyRefOut])
def agencies(ctx: Ctx) -> list[AgencyRefOut]:
    with ctx.uow(readonly=True) as uow:
        rows = uow.reference.list_agencies()
    names = {m.id: m.name for m in ctx.reference.municipalities}
    return [
        AgencyRefOut(id=a.id, name=a.name, level=a.level.value, municipality=names.get(a.municipality_id or ""))
        for a in rows
    ]


@router.get("/categories", response_model=list[CategoryGroupOut])
def categories(ctx: Ctx) -> list[CategoryGroupOut]:
    with ctx.uow(readonly=True) as uow:
        rubricator = uow.reference.rubricator()
    return [
        CategoryGroupOut(
            group=g.name,
            active=g.active,
            topics=[TopicOut(name=t.name, priority=t.priority, active=t.active) for t in g.topics],
        )
        for g in rubricator.groups
    ]
