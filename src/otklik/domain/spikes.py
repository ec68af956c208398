"""Spike detection: is the count of one series (municipality × group) in the recent window far above its own norm?

The rule (docs/map-and-alerts.md):
- the baseline is the series' own past `baseline_days` before the window; its flat rate is events per hour;
- with enough events (`seasonal_min_events`) the rate is shaped by weekday and hour-of-day profiles
  (multiplicative, each shrunk toward flat by `profile_prior` pseudo-events per bin, so a thin bin cannot swing it);
- the expected count in the window never goes below `floor_per_day` (a sparse series is not "zero, so anything
  is a spike");
- the window is flagged when its count is at least `min_count` and the Poisson tail P(X ≥ count | expected) is
  below `raise_p`; a raised alert stays open until the tail is above `close_p` again (hysteresis: no flapping).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scipy.special import pdtrc

from otklik.domain.calendar import MOSCOW

HOURS_PER_WEEK = 7 * 24


@dataclass(frozen=True)
class SpikeRule:
    window_hours: int = 3
    baseline_days: int = 28
    min_count: int = 5
    raise_p: float = 1e-6
    close_p: float = 1e-2
    floor_per_day: float = 0.25
    seasonal_min_events: int = 84  # three a day over four weeks: below it the profiles are noise
    profile_prior: float = 5.0

    def __post_init__(self) -> None:
        if self.window_hours < 1 or self.baseline_days < 1 or self.min_count < 1:
            raise ValueError("window_hours, baseline_days and min_count must be positive")
        if not 0 < self.raise_p <= self.close_p < 1:
            raise ValueError("0 < raise_p <= close_p < 1")


@dataclass(frozen=True)
class Baseline:
    """A series' past, reduced to what the rate needs: its total, its local weekday and hour profiles, its span."""

    total: int
    hours: float  # how many hours the baseline covers (shorter than the rule's when the data is young)
    by_weekday: tuple[int, ...]  # 7 counts, Monday first, in Moscow time
    by_hour: tuple[int, ...]  # 24 counts, Moscow time

    @classmethod
    def empty(cls, hours: float) -> Baseline:
        return cls(0, hours, (0,) * 7, (0,) * 24)

    @classmethod
    def of(cls, moments: Iterable[datetime], hours: float) -> Baseline:
        weekdays, day_hours, total = [0] * 7, [0] * 24, 0
        for moment in moments:
            local = moment.astimezone(MOSCOW)
            weekdays[local.weekday()] += 1
            day_hours[local.hour] += 1
            total += 1
        return cls(total, hours, tuple(weekdays), tuple(day_hours))

    @property
    def rate_per_hour(self) -> float:
        return self.total / self.hours if self.hours > 0 else 0.0


@dataclass(frozen=True)
class Expectation:
    count: float  # expected events in the window
    rate_per_day: float  # the flat norm a person reads: «при норме 1 в день»
    seasonal: bool


@dataclass(frozen=True)
class Assessment:
    count: int
    expected: Expectation
    p_value: float
    flagged: bool  # a new alert would be raised
    still_high: bool  # an open alert stays open


def _profile(counts: tuple[int, ...], prior: float) -> list[float]:
    """Relative factors with mean 1, each bin shrunk toward the flat profile by `prior` pseudo-events."""
    bins = len(counts)
    mean = sum(counts) / bins
    shrunk = [(n + prior) / (mean + prior) for n in counts]
    norm = sum(shrunk) / bins
    return [f / norm for f in shrunk]


def expected_in_window(baseline: Baseline, window_start: datetime, rule: SpikeRule) -> Expectation:
    flat = baseline.rate_per_hour
    floor = rule.floor_per_day / 24
    seasonal = baseline.total >= rule.seasonal_min_events
    weekday, hour = [1.0] * 7, [1.0] * 24
    if seasonal:
        weekday, hour = (
            _profile(baseline.by_weekday, rule.profile_prior),
            _profile(baseline.by_hour, rule.profile_prior),
        )
    expected = 0.0
    for step in range(rule.window_hours):
        local = (window_start + timedelta(hours=step)).astimezone(MOSCOW)
        expected += max(flat * weekday[local.weekday()] * hour[local.hour], floor)
    return Expectation(expected, max(flat, floor) * 24, seasonal)


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean): scipy's complemented Poisson distribution, exact in the far tail."""
    if count <= 0:
        return 1.0
    return float(pdtrc(count - 1, mean))


def assess(baseline: Baseline, count: int, window_start: datetime, rule: SpikeRule) -> Assessment:
    expected = expected_in_window(baseline, window_start, rule)
    p_value = poisson_tail(count, expected.count)
    return Assessment(
        count=count,
        expected=expected,
        p_value=p_value,
        flagged=count >= rule.min_count and p_value < rule.raise_p,
        still_high=count >= rule.min_count and p_value < rule.close_p,
    )


# --- the alert's words ---------------------------------------------------------------------------------------
def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural: 1 обращение, 2 обращения, 5 обращений (11–14 take «many»)."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def norm_text(rate_per_day: float) -> str:
    if rate_per_day >= 0.95:
        return f"{round(rate_per_day)} в день"
    per_week = rate_per_day * 7
    if per_week >= 0.95:
        return f"{round(per_week)} в неделю"
    return "менее 1 в неделю"


def alert_text(place: str, group: str, count: int, window_hours: int, rate_per_day: float) -> str:
    """«Шарья · ЖКХ: 14 обращений за 3 часа при норме 1 в день»."""
    appeals = plural(count, "обращение", "обращения", "обращений")
    hours = plural(window_hours, "час", "часа", "часов")
    span = f"{window_hours} {hours}" if window_hours != 1 else "час"
    return f"{place} · {group}: {count} {appeals} за {span} при норме {norm_text(rate_per_day)}"
