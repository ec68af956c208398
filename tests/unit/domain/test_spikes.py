"""The spike detector on hand-made streams: a burst is flagged, a steady stream and a seasonal peak are not,
a sparse series has a floor, and the alert reads as a person would write it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from otklik.domain.spikes import Baseline, SpikeRule, alert_text, assess, poisson_tail

RULE = SpikeRule()
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday, 15:00 in Kostroma
WINDOW_START = NOW - timedelta(hours=RULE.window_hours)
BASELINE_HOURS = RULE.baseline_days * 24.0


def _steady(per_day: int, days: int = 28) -> list[datetime]:
    """`per_day` events a day spread evenly over the day, for `days` days before the window."""
    start = WINDOW_START - timedelta(days=days)
    return [start + timedelta(days=d, hours=24 * i / per_day) for d in range(days) for i in range(per_day)]


def test_a_burst_on_a_quiet_series_is_flagged() -> None:
    baseline = Baseline.of(_steady(1), BASELINE_HOURS)  # one a day
    verdict = assess(baseline, 14, WINDOW_START, RULE)
    assert verdict.flagged and verdict.still_high
    assert verdict.expected.rate_per_day == pytest.approx(1.0)
    assert verdict.p_value < 1e-15


def test_a_steady_stream_at_its_usual_rate_is_not_flagged() -> None:
    baseline = Baseline.of(_steady(24), BASELINE_HOURS)  # one an hour: three are expected in the window
    for count in range(0, 9):
        assert not assess(baseline, count, WINDOW_START, RULE).flagged, count


def test_a_count_below_the_minimum_is_never_flagged_however_unlikely() -> None:
    verdict = assess(Baseline.empty(BASELINE_HOURS), RULE.min_count - 1, WINDOW_START, RULE)
    assert verdict.p_value < RULE.raise_p  # improbable on the floor rate…
    assert not verdict.flagged  # …but four appeals are not a spike


def test_a_sparse_series_has_a_floor_rate() -> None:
    empty = assess(Baseline.empty(BASELINE_HOURS), 0, WINDOW_START, RULE)
    assert empty.expected.count == pytest.approx(RULE.floor_per_day / 24 * RULE.window_hours)
    assert empty.expected.rate_per_day == pytest.approx(RULE.floor_per_day)
    # five in three hours where nothing ever happens is a spike; the floor keeps it a finite surprise
    verdict = assess(Baseline.empty(BASELINE_HOURS), 5, WINDOW_START, RULE)
    assert verdict.flagged and verdict.p_value > 0


def test_the_daily_peak_of_a_seasonal_series_is_not_a_spike() -> None:
    """Twenty a day, almost all between 9:00 and 12:00 Moscow time: sixteen at 9–12 is the usual morning."""
    rng = random.Random(4)
    moments = []
    for day in range(28):
        day_start = datetime(2026, 2, 11, tzinfo=UTC) + timedelta(days=day)
        for _ in range(18):  # 9:00–12:00 MSK = 6:00–9:00 UTC
            moments.append(day_start + timedelta(hours=6 + 3 * rng.random()))
        for _ in range(2):
            moments.append(day_start + timedelta(hours=9 + 15 * rng.random()))
    baseline = Baseline.of(moments, BASELINE_HOURS)
    morning = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
    seasonal = assess(baseline, 16, morning, RULE)
    assert seasonal.expected.seasonal and not seasonal.flagged
    flat = assess(baseline, 16, morning, SpikeRule(seasonal_min_events=10**9))
    assert not flat.expected.seasonal and flat.flagged  # the flat rate alone would have cried wolf
    evening = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)  # 18:00–21:00 MSK: the same sixteen are a spike there
    assert assess(baseline, 16, evening, RULE).flagged


def test_an_open_alert_stays_open_between_the_two_thresholds() -> None:
    baseline = Baseline.of(_steady(2), BASELINE_HOURS)  # expected 0.25 in three hours
    counts = {n: assess(baseline, n, WINDOW_START, RULE) for n in range(5, 12)}
    between = [n for n, v in counts.items() if v.still_high and not v.flagged]
    assert between, "the hysteresis band must not be empty"
    assert all(v.still_high for v in counts.values() if v.flagged)


def test_poisson_tail_matches_the_sum_of_terms() -> None:
    import math

    mean = 2.5
    for k in range(0, 12):
        direct = 1 - sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k))
        assert poisson_tail(k, mean) == pytest.approx(direct, rel=1e-9, abs=1e-15)


def test_the_alert_text() -> None:
    assert alert_text("Шарья", "ЖКХ", 14, 3, 1.0) == "Шарья · ЖКХ: 14 обращений за 3 часа при норме 1 в день"
    assert alert_text("Буй", "Дороги", 21, 3, 0.3) == "Буй · Дороги: 21 обращение за 3 часа при норме 2 в неделю"
    assert alert_text("Нея", "Связь", 5, 6, 0.05) == "Нея · Связь: 5 обращений за 6 часов при норме менее 1 в неделю"
    assert alert_text("Галич", "ЖКХ", 2, 1, 4.4) == "Галич · ЖКХ: 2 обращения за час при норме 4 в день"


def test_a_rule_with_thresholds_the_wrong_way_round_is_refused() -> None:
    with pytest.raises(ValueError):
        SpikeRule(raise_p=0.1, close_p=0.01)
