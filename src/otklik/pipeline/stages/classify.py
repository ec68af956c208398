"""Stage 3: topic of the rubricator and priority."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.pipeline.components import PriorityAssessor, TopicClassifier
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class ClassifyStage:
    classifier: TopicClassifier
    priority: PriorityAssessor
    name: str = "classify"

    def __call__(self, ctx: PipelineContext) -> None:
        ctx.category = self.classifier.classify(ctx.text)
        if ctx.category is not None:
            ctx.explanation.extend(ctx.category.reasons)
        ctx.priority = self.priority.assess(ctx.text, ctx.category)
        ctx.explanation.extend(ctx.priority.reasons)
