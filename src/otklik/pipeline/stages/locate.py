"""Stage 4: where the problem is — settlement, municipality, street and house."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.pipeline.components import Locator
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class LocateStage:
    locator: Locator
    name: str = "locate"

    def __call__(self, ctx: PipelineContext) -> None:
        ctx.location = self.locator.locate(
            ctx.text,
            lat=ctx.lat,
            lon=ctx.lon,
            address=ctx.address,
            hint_municipality_id=ctx.hint_municipality_id,
        )
        ctx.explanation.extend(ctx.location.reasons)
