"""Stage 1: clean the text and mask personal data."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.pipeline.components import Normalizer
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class NormalizeStage:
    normalizer: Normalizer
    name: str = "normalize"

    def __call__(self, ctx: PipelineContext) -> None:
        ctx.normalized = self.normalizer.normalize(ctx.raw_text)
        if ctx.normalized.personal_data:
            kinds = sorted({span.kind for span in ctx.normalized.personal_data})
            ctx.explanation.append("персональные данные скрыты: " + ", ".join(kinds))
