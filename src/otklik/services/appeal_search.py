"""Highlights of a search: the words found, marked in each listed appeal's masked text (docs/search.md)."""

from __future__ import annotations

from collections.abc import Sequence

from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.appeal import Appeal
from otklik.services.context import ServiceContext


def highlights(ctx: ServiceContext, principal: Principal, query: str, found: Sequence[Appeal]) -> dict[int, str]:
    """Safe HTML (everything escaped, the hits in <mark>) by appeal id, for appeals in the person's scope only."""
    authorize(principal, Action.READ)
    ids = [appeal.id for appeal in found if appeal.id is not None]
    with ctx.uow(readonly=True) as uow:
        return uow.appeals.highlights(query, ids, scope_of(principal))
