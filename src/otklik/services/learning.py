"""The system's own history as training data: moderators' corrections and people's routing decisions."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.domain.agency import AgencyLevel
from otklik.domain.competence import MUNICIPAL_ADMINISTRATION
from otklik.services.context import ServiceContext


@dataclass(frozen=True)
class History:
    examples: list[tuple[str, str, str]]  # (text, group, topic) corrected by moderators
    routes: list[tuple[str, str]]  # (text, agency id or «@municipality») decided by people


def training_history(ctx: ServiceContext) -> History:
    with ctx.uow(readonly=True) as uow:
        examples = uow.appeals.corrected_labels()
        routes = uow.appeals.human_routes()
    return History(examples, [(text, _route_label(ctx, agency_id)) for text, agency_id in routes])


def _route_label(ctx: ServiceContext, agency_id: str) -> str:
    """A municipal administration is learned as «the administration of the place», not as one town's body."""
    agency = ctx.reference.agency(agency_id)
    if agency is not None and agency.level is AgencyLevel.MUNICIPAL and agency.id.startswith("adm-"):
        return MUNICIPAL_ADMINISTRATION
    return agency_id
