"""Stage 2: is it an appeal at all (public channels), and is it toxic."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.pipeline.components import AppealDetector
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class DetectStage:
    detector: AppealDetector
    name: str = "detect"

    def __call__(self, ctx: PipelineContext) -> None:
        detection = self.detector.detect(ctx.text, channel=ctx.channel)
        ctx.detection = detection
        ctx.explanation.extend(detection.reasons)
        if not detection.is_appeal:
            ctx.stopped = True
