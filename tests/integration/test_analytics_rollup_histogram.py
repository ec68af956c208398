"""The rollup's percentiles: read from merged fixed-bucket histograms, within one bucket's width of
`percentile_cont` over the exact values (computed here by sorting, the oracle)."""

from __future__ import annotations

import random

import pytest

from otklik.domain.analytics import (
    HOUR_EDGES,
    bucket_width,
    histogram_percentile,
    hour_bucket,
    percentile_cont,
)


def histogram(values: list[float]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for value in values:
        counts[hour_bucket(value)] = counts.get(hour_bucket(value), 0) + 1
    return counts


def test_buckets_are_half_hours_then_hours_then_coarser() -> None:
    assert (hour_bucket(0.0), hour_bucket(0.49), hour_bucket(0.5)) == (0, 0, 1)
    assert HOUR_EDGES[hour_bucket(7.99)] == 7.5 and HOUR_EDGES[hour_bucket(8.0)] == 8.0
    assert bucket_width(hour_bucket(3.0)) == 0.5
    assert bucket_width(hour_bucket(40.2)) == 1.0
    assert bucket_width(hour_bucket(150.0)) == 8.0
    assert bucket_width(hour_bucket(1500.0)) == 40.0
    assert hour_bucket(5000.0) == len(HOUR_EDGES) - 1  # the open last bucket


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentiles_stay_within_a_bucket_of_the_exact_ones(seed: int) -> None:
    rng = random.Random(seed)
    # Working hours as the dashboard sees them: many within a day or two, a long tail of weeks.
    values = sorted(rng.lognormvariate(2.5, 1.2) for _ in range(rng.randint(1, 5000)))
    for fraction in (0.1, 0.5, 0.9, 0.99):
        exact = percentile_cont(values, fraction)
        read = histogram_percentile(histogram(values), fraction)
        assert exact is not None and read is not None
        assert abs(read - exact) <= bucket_width(hour_bucket(exact)) + 1e-9, (fraction, exact, read)


def test_interpolation_across_far_buckets_follows_percentile_cont() -> None:
    values = [0.2, 0.3, 40.5, 41.5]  # the median falls between ranks in distant buckets
    exact = percentile_cont(values, 0.5)
    read = histogram_percentile(histogram(values), 0.5)
    assert exact == pytest.approx(20.4)
    assert read is not None and abs(read - exact) <= 1.0


def test_an_empty_histogram_has_no_percentile() -> None:
    assert histogram_percentile({}, 0.5) is None
    assert histogram_percentile({3: 0}, 0.9) is None
