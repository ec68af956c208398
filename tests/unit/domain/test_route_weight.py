"""How much a person's past routing decision counts when the router is retrained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from otklik.domain.learning import ROUTE_WEIGHT, route_weight

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("age_days", "expected"), [(0, ROUTE_WEIGHT), (90, ROUTE_WEIGHT / 2), (270, ROUTE_WEIGHT / 8)])
def test_weight_halves_every_half_life(age_days: int, expected: float) -> None:
    assert route_weight(NOW - timedelta(days=age_days), NOW, half_life_days=90) == pytest.approx(expected)


def test_a_decision_from_the_future_counts_as_new() -> None:
    assert route_weight(NOW + timedelta(hours=3), NOW, half_life_days=90) == ROUTE_WEIGHT
