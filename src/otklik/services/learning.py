"""The system's own history as training data: moderators' corrections and people's routing decisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from otklik.adapters.db.repositories.moderation import ModerationQueries
from otklik.domain.agency import AgencyLevel
from otklik.domain.competence import MUNICIPAL_ADMINISTRATION
from otklik.domain.learning import DEFAULT_ROUTE_HALF_LIFE_DAYS, route_weight
from otklik.services.context import ServiceContext

MEMORY_LOAD_LIMIT = 5_000  # the memory is bounded anyway; older history is for `otklik model train`


@dataclass(frozen=True)
class History:
    examples: list[tuple[str, str, str]]  # (text, group, topic) corrected by moderators
    routes: list[tuple[str, str, float]]  # (text, agency id or «@municipality», weight) decided by people
    promoted: list[str] = field(default_factory=list)  # texts moderators turned from «not an appeal» into appeals


def training_history(ctx: ServiceContext, *, half_life_days: float = DEFAULT_ROUTE_HALF_LIFE_DAYS) -> History:
    now = ctx.clock.now()
    with ctx.uow(readonly=True) as uow:
        examples = uow.appeals.corrected_labels()
        routes = uow.appeals.human_routes()
        promoted = ModerationQueries(uow.session).promoted_texts()
    return History(
        examples,
        [
            (text, _route_label(ctx, agency_id), route_weight(decided_at, now, half_life_days))
            for text, agency_id, decided_at in routes
        ],
        promoted,
    )


def _route_label(ctx: ServiceContext, agency_id: str) -> str:
    """A municipal administration is learned as «the administration of the place», not as one town's body."""
    agency = ctx.reference.agency(agency_id)
    if agency is not None and agency.level is AgencyLevel.MUNICIPAL and agency.id.startswith("adm-"):
        return MUNICIPAL_ADMINISTRATION
    return agency_id


def remember_correction(
    ctx: ServiceContext,
    text: str,
    *,
    group: str | None = None,
    topic: str | None = None,
    agency_id: str | None = None,
) -> None:
    """A person's correction reaches the engine's memory at once: the next nearly identical message gets it."""
    memory = ctx.understanding.memory
    if memory is not None and text:
        label = _route_label(ctx, agency_id) if agency_id else None
        memory.remember(text, group=group, topic=topic or None, agency_label=label)


def load_correction_memory(ctx: ServiceContext, *, limit: int = MEMORY_LOAD_LIMIT) -> int:
    """The memory becomes what the history says (on start; after a test empties the tables): the newest
    corrections and people's routing decisions, oldest first, newer decisions about the same text winning.
    Returns how many cases the memory kept."""
    memory = ctx.understanding.memory
    if memory is None:
        return 0
    memory.clear()
    with ctx.uow(readonly=True) as uow:
        examples = uow.appeals.corrected_labels()[-limit:]
        routes = uow.appeals.human_routes()[-limit:]
    cases: list[tuple[str, str | None, str | None, str | None]] = [
        (text, group, topic or None, None) for text, group, topic in examples
    ]
    cases += [(text, None, None, _route_label(ctx, agency_id)) for text, agency_id, _ in routes]
    return memory.remember_many(cases)
