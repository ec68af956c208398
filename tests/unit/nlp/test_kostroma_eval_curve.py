"""The coverage/precision curve, and that its score is exactly what the route stage decides by."""

from __future__ import annotations

import json
from pathlib import Path

from otklik.domain.analysis import LocationGuess
from otklik.nlp.calibration import CurvePoint, Scored, best_threshold, curve, decision_score, grid
from otklik.pipeline.components import Understanding
from otklik.pipeline.context import PipelineContext
from otklik.pipeline.runner import Pipeline, understanding_stages

DEV = Path(__file__).resolve().parents[3] / "bench" / "data" / "kostroma" / "dev.jsonl"


def test_curve_counts_coverage_over_all_true_appeals_and_precision_over_the_routed() -> None:
    scored = [Scored(0.9, True), Scored(0.8, True), Scored(0.6, False), Scored(0.3, True)]
    points = curve(scored, true_appeals=5, thresholds=[0.0, 0.5, 0.85, 0.95])
    assert [(p.coverage, p.routed) for p in points] == [(0.8, 4), (0.6, 3), (0.2, 1), (0.0, 0)]
    assert [round(p.precision, 3) for p in points] == [0.75, 0.667, 1.0, 1.0]


def test_best_threshold_is_the_highest_coverage_at_the_target_precision() -> None:
    points = [
        CurvePoint(0.2, 0.9, 0.80, 9),
        CurvePoint(0.4, 0.7, 0.90, 7),
        CurvePoint(0.5, 0.7, 0.95, 7),
        CurvePoint(0.9, 0.1, 1.00, 1),
    ]
    assert best_threshold(points) == points[1]  # same coverage: the lower threshold
    assert best_threshold(points, target=0.99) == points[3]
    assert best_threshold([CurvePoint(0.5, 0.5, 0.5, 5), CurvePoint(1.0, 0.0, 1.0, 0)]) is None  # nothing routed


def test_grid_and_missing_parts() -> None:
    assert grid(0.25) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert decision_score(0.7, 0.4) == 0.4
    assert decision_score(None, 0.9) == 0.0 and decision_score(0.9, None) == 0.0


def test_the_route_stage_auto_routes_exactly_what_reaches_the_decision_score(engine: Understanding) -> None:
    """The bench's curve is over the engine's decision scorer; the stage must decide by the same number (else the
    curve lies)."""
    assert engine.decision is not None
    run = Pipeline(understanding_stages(engine))
    with DEV.open(encoding="utf-8") as handle:
        messages = [json.loads(line) for line in handle][:120]
    auto = 0
    for message in messages:
        ctx = run.run(PipelineContext(raw_text=message["text"], channel=message["channel"]))
        if not ctx.is_appeal:
            continue
        location = ctx.location or LocationGuess()
        score = engine.decision.decide(ctx.text, ctx.channel, ctx.detection, ctx.category, ctx.routing, location).score
        routing = ctx.routing
        toxic = bool(ctx.detection and ctx.detection.toxic)
        expected = toxic or routing is None or score < engine.auto_assign_threshold
        assert ctx.needs_moderation == expected, message["id"]
        auto += not ctx.needs_moderation
    assert auto > 0
