"""The state of one message as it passes the stages; stages read and fill it, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from otklik.domain.analysis import CategoryGuess, Detection, LocationGuess, PriorityGuess, RoutingDecision
from otklik.domain.appeal_kind import AppealKind
from otklik.domain.deadlines import Deadlines
from otklik.pipeline.components import NormalizedText


@dataclass
class PipelineContext:
    raw_text: str
    channel: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    hint_municipality_id: str | None = None  # e.g. the town of a city community the comment came from
    kind: AppealKind | None = None
    registered_at: datetime | None = None
    normalized: NormalizedText | None = None
    detection: Detection | None = None
    category: CategoryGuess | None = None
    priority: PriorityGuess | None = None
    location: LocationGuess | None = None
    routing: RoutingDecision | None = None
    needs_moderation: bool = False
    deadlines: Deadlines | None = None
    notifications: list[str] = field(default_factory=list)  # texts to send back to the citizen
    explanation: list[str] = field(default_factory=list)
    stopped: bool = False  # a stage decided the rest does not apply (e.g. not an appeal)

    @property
    def text(self) -> str:
        return self.normalized.text if self.normalized else self.raw_text

    @property
    def is_appeal(self) -> bool:
        return self.detection.is_appeal if self.detection else True
