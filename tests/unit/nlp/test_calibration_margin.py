"""The threshold rule with a margin: a lower bound of precision, not its point estimate, must reach 0.90."""

from __future__ import annotations

import pytest

from otklik.nlp.calibration import (
    CurvePoint,
    best_threshold,
    precision_lower_bound,
    threshold_with_margin,
    wilson_lower_bound,
)


def test_wilson_lower_bound_matches_the_textbook_value_and_tightens_with_the_count() -> None:
    # 90 of 100 at z = 1.2816 (one-sided 90 %): Wilson gives 0.8549
    assert wilson_lower_bound(90, 100) == pytest.approx(0.8549, abs=5e-4)
    assert wilson_lower_bound(900, 1000) > wilson_lower_bound(90, 100) > wilson_lower_bound(9, 10)
    assert wilson_lower_bound(900, 1000) < 0.90  # the bound is below the estimate at any count
    assert wilson_lower_bound(10, 10) < 1.0 and wilson_lower_bound(0, 0) == 0.0


def test_a_point_right_at_the_target_is_not_chosen_a_safer_one_is() -> None:
    points = [
        CurvePoint(0.25, 0.87, 0.900, 400),  # the point estimate is at the edge
        CurvePoint(0.50, 0.70, 0.935, 320),  # lower bound ≈ 0.914
        CurvePoint(0.90, 0.05, 1.000, 12),  # perfect but too few: bound ≈ 0.88
    ]
    assert best_threshold(points) == points[0]
    assert threshold_with_margin(points) == points[1]
    assert precision_lower_bound(points[1]) >= 0.90 > precision_lower_bound(points[2])


def test_no_point_with_a_bound_at_the_target_gives_none() -> None:
    assert threshold_with_margin([CurvePoint(0.5, 0.5, 0.91, 50), CurvePoint(1.0, 0.0, 1.0, 0)]) is None
