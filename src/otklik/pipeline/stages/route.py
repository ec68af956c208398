"""Stage 5: the competent body, and whether a moderator must look first."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.domain.analysis import LocationGuess
from otklik.pipeline.components import Router
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class RouteStage:
    router: Router
    auto_assign_threshold: float
    name: str = "route"

    def __call__(self, ctx: PipelineContext) -> None:
        location = ctx.location or LocationGuess()
        ctx.routing = self.router.route(ctx.text, ctx.category, location)
        if ctx.routing is not None:
            ctx.explanation.extend(ctx.routing.reasons)
        ctx.needs_moderation = self._needs_moderation(ctx)

    def _needs_moderation(self, ctx: PipelineContext) -> bool:
        reasons = []
        if ctx.category is None or ctx.category.confidence < self.auto_assign_threshold:
            reasons.append("тема определена неуверенно")
        if ctx.routing is None:
            reasons.append("ответственный орган не определён")
        elif ctx.routing.confidence < self.auto_assign_threshold:
            reasons.append("маршрут определён неуверенно")
        if ctx.detection is not None and ctx.detection.toxic:
            reasons.append("текст содержит оскорбления или мат")
        if reasons:
            ctx.explanation.append("на модерацию: " + "; ".join(reasons))
        return bool(reasons)
