"""What each understanding stage needs from a model: small protocols, so models can be swapped per stage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from otklik.domain.analysis import (
    CategoryGuess,
    Detection,
    LocationGuess,
    PersonalDataSpan,
    PriorityGuess,
    RoutingDecision,
)


@dataclass(frozen=True)
class NormalizedText:
    text: str  # cleaned: HTML and channel markup stripped, whitespace folded
    masked: str  # the same with personal data replaced by placeholders, for analytics and public views
    personal_data: tuple[PersonalDataSpan, ...] = ()


class Normalizer(Protocol):
    def normalize(self, raw: str) -> NormalizedText: ...


class AppealDetector(Protocol):
    def detect(self, text: str, *, channel: str | None) -> Detection: ...


class TopicClassifier(Protocol):
    def classify(self, text: str) -> CategoryGuess | None: ...


class PriorityAssessor(Protocol):
    def assess(self, text: str, category: CategoryGuess | None) -> PriorityGuess: ...


class Locator(Protocol):
    def locate(
        self,
        text: str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        address: str | None = None,
        hint_municipality_id: str | None = None,
    ) -> LocationGuess: ...


class Router(Protocol):
    def route(self, text: str, category: CategoryGuess | None, location: LocationGuess) -> RoutingDecision | None: ...


class ScoredDecision(Protocol):
    @property
    def score(self) -> float: ...  # the probability that body and topic are both right

    @property
    def reasons(self) -> tuple[str, ...]: ...  # Russian, for the moderator


class DecisionScorer(Protocol):
    """How sure the engine is of «this body, this topic», from every stage's signals (the auto-routing score)."""

    def decide(
        self,
        text: str,
        channel: str | None,
        detection: Detection | None,
        category: CategoryGuess | None,
        routing: RoutingDecision | None,
        location: LocationGuess,
    ) -> ScoredDecision: ...


class CorrectionRecorder(Protocol):
    """Remembers people's corrections so that the next nearly identical text gets them before any retraining."""

    def remember(
        self, text: str, *, group: str | None = None, topic: str | None = None, agency_label: str | None = None
    ) -> None: ...

    def remember_many(self, cases: Iterable[tuple[str, str | None, str | None, str | None]]) -> int: ...

    def clear(self) -> None: ...


@dataclass(frozen=True)
class Understanding:
    """The models of the understanding stages, built once by bootstrap and shared by all requests."""

    normalizer: Normalizer
    detector: AppealDetector
    classifier: TopicClassifier
    priority: PriorityAssessor
    locator: Locator
    router: Router
    # Below this decision score an appeal waits for a moderator instead of auto-assignment.
    auto_assign_threshold: float = 0.5
    memory: CorrectionRecorder | None = None  # fed by services/learning.py; None: corrections wait for retraining
    decision: DecisionScorer | None = None  # None: the score is the weaker of the topic and route confidences
