"""Stage 6: deadlines by the appeal's kind and priority on the production calendar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from otklik.domain.appeal_kind import AppealKind, Priority
from otklik.domain.calendar import WorkCalendar
from otklik.domain.deadlines import DeadlinePolicy, compute_deadlines
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class ScheduleStage:
    policies: Mapping[AppealKind, DeadlinePolicy]
    calendar: WorkCalendar
    name: str = "schedule"

    def __call__(self, ctx: PipelineContext) -> None:
        if ctx.kind is None or ctx.registered_at is None:
            raise ValueError("scheduling needs the appeal kind and registration time")
        priority = ctx.priority.priority if ctx.priority else Priority.NORMAL
        ctx.deadlines = compute_deadlines(self.policies[ctx.kind], ctx.registered_at, priority, self.calendar)
        ctx.explanation.append("срок: " + ctx.deadlines.explanation)
