"""Stage 7: what the citizen is told on registration (number and expected answer time)."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.domain.calendar import MOSCOW
from otklik.pipeline.context import PipelineContext


@dataclass(frozen=True)
class NotifyStage:
    name: str = "notify"

    def __call__(self, ctx: PipelineContext) -> None:
        if ctx.deadlines is None:
            return
        due = ctx.deadlines.due_at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
        body = f"Ваше обращение зарегистрировано под номером {{number}}. Ответ ожидается до {due} (МСК)."
        ctx.notifications.append(body)
