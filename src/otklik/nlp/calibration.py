"""How sure the engine is that an appeal can go to a body without a moderator, and the coverage/precision curve.

The route stage sends an appeal to a body on its own only when the decision score reaches `auto_assign_threshold`.
The score is the weakest link of the decision: the topic's probability and the route's confidence (which already
carries the place's certainty for a municipal body). The threshold is chosen from the curve measured on the
Kostroma dev set (`bench/bench_kostroma.py`, `docs/evaluation-kostroma.md`): the highest coverage at which what is
auto-routed is right at least 9 times in 10.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TARGET_PRECISION = 0.90


def decision_score(category_confidence: float | None, routing_confidence: float | None) -> float:
    """The confidence of «this body, this topic» as one number: its weakest part (0 when a part is missing)."""
    if category_confidence is None or routing_confidence is None:
        return 0.0
    return min(category_confidence, routing_confidence)


@dataclass(frozen=True)
class Scored:
    """One message the engine accepted as an appeal and routed: its decision score and whether it was right."""

    score: float
    correct: bool  # body right and topic group right (and a true appeal)


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    coverage: float  # auto-routed right-or-wrong / all true appeals
    precision: float  # right / auto-routed (1.0 when nothing is auto-routed)
    routed: int


def curve(scored: Sequence[Scored], true_appeals: int, thresholds: Sequence[float]) -> list[CurvePoint]:
    """Coverage and precision of auto-routing everything whose score reaches each threshold."""
    points = []
    for threshold in thresholds:
        kept = [s for s in scored if s.score >= threshold]
        right = sum(s.correct for s in kept)
        points.append(
            CurvePoint(
                threshold,
                len(kept) / true_appeals if true_appeals else 0.0,
                right / len(kept) if kept else 1.0,
                len(kept),
            )
        )
    return points


def best_threshold(points: Sequence[CurvePoint], target: float = TARGET_PRECISION) -> CurvePoint | None:
    """The point of highest coverage whose precision reaches `target` (the lowest threshold on ties)."""
    good = [p for p in points if p.precision >= target and p.routed > 0]
    if not good:
        return None
    return max(good, key=lambda p: (p.coverage, -p.threshold))


def grid(step: float = 0.05) -> list[float]:
    """Thresholds 0, step, 2·step, … 1 (rounded so that they print and compare cleanly)."""
    count = round(1 / step)
    return [round(i * step, 4) for i in range(count + 1)]
