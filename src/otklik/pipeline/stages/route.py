"""Stage 5: the competent body, and whether a moderator must look first."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.domain.analysis import LocationGuess
from otklik.pipeline.components import DecisionScorer, Router
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class RouteStage:
    router: Router
    auto_assign_threshold: float
    decision: DecisionScorer | None = None  # None: the weaker of the topic and route confidences decides
    name: str = "route"

    def __call__(self, ctx: PipelineContext) -> None:
        location = ctx.location or LocationGuess()
        ctx.routing = self.router.route(ctx.text, ctx.category, location)
        if ctx.routing is not None:
            ctx.explanation.extend(ctx.routing.reasons)
        ctx.needs_moderation = self._needs_moderation(ctx, location)

    def _needs_moderation(self, ctx: PipelineContext, location: LocationGuess) -> bool:
        reasons = []
        if ctx.routing is None:
            reasons.append("ответственный орган не определён")
        elif self.decision is None:
            reasons += self._weakest_link(ctx)
        else:
            decided = self.decision.decide(ctx.text, ctx.channel, ctx.detection, ctx.category, ctx.routing, location)
            why = f" ({'; '.join(decided.reasons)})" if decided.reasons else ""
            if decided.score < self.auto_assign_threshold:
                reasons.append(
                    f"уверенность решения {decided.score:.2f} ниже порога {self.auto_assign_threshold:g}{why}"
                )
            else:
                ctx.explanation.append(f"уверенность решения {decided.score:.2f}{why}")
        if ctx.detection is not None and ctx.detection.toxic:
            reasons.append("текст содержит оскорбления или мат")
        if reasons:
            ctx.explanation.append("на модерацию: " + "; ".join(reasons))
        return bool(reasons)

    def _weakest_link(self, ctx: PipelineContext) -> list[str]:
        reasons = []
        if ctx.category is None or ctx.category.confidence < self.auto_assign_threshold:
            reasons.append("тема определена неуверенно")
        if ctx.routing is not None and ctx.routing.confidence < self.auto_assign_threshold:
            reasons.append("маршрут определён неуверенно")
        return reasons
