"""How sure the engine is that an appeal can go to a body without a moderator, and the coverage/precision curve.

The route stage sends an appeal to a body on its own only when the decision score reaches `auto_assign_threshold`.
The score is the weakest link of the decision: the topic's probability and the route's confidence (which already
carries the place's certainty for a municipal body). The threshold is chosen from the curve measured on the
pooled Kostroma calibration sets (`bench/bench_kostroma.py --calibrate-on`, `docs/evaluation-kostroma.md`) with a
margin: the highest coverage at which the *lower* one-sided 90 % Wilson bound of precision is still ≥ 0.90, so that
what is auto-routed stays right at least 9 times in 10 on sets the threshold was not chosen on — a point estimate
right at 0.90 on a few hundred messages does not hold on the next set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

TARGET_PRECISION = 0.90
LOWER_BOUND_Z = 1.2816  # one-sided 90 % normal quantile: the precision is above the bound 9 times in 10


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


def wilson_lower_bound(right: int, total: int, z: float = LOWER_BOUND_Z) -> float:
    """The Wilson score lower bound of a proportion right/total (0 when nothing was counted)."""
    if total <= 0:
        return 0.0
    p = right / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return (centre - spread) / (1 + z * z / total)


def precision_lower_bound(point: CurvePoint, z: float = LOWER_BOUND_Z) -> float:
    """The lower Wilson bound of a curve point's precision over the messages it auto-routes."""
    return wilson_lower_bound(round(point.precision * point.routed), point.routed, z)


def threshold_with_margin(
    points: Sequence[CurvePoint], target: float = TARGET_PRECISION, z: float = LOWER_BOUND_Z
) -> CurvePoint | None:
    """The point of highest coverage whose precision's lower bound reaches `target` (the lowest threshold on ties):
    the margin grows as the count shrinks, so a high threshold with few routed messages has to earn its precision."""
    good = [p for p in points if p.routed > 0 and precision_lower_bound(p, z) >= target]
    if not good:
        return None
    return max(good, key=lambda p: (p.coverage, -p.threshold))


def grid(step: float = 0.05) -> list[float]:
    """Thresholds 0, step, 2·step, … 1 (rounded so that they print and compare cleanly)."""
    count = round(1 / step)
    return [round(i * step, 4) for i in range(count + 1)]
