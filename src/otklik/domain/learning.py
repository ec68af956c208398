"""How much the system's own history counts when the models are retrained."""

from __future__ import annotations

from datetime import datetime

# A person's routing decision outweighs a seed example (Kursk practice mapped onto our bodies) when it is new …
ROUTE_WEIGHT = 3.0
# … and counts half as much every `half_life_days`: who handles what changes (a committee is created, duties move
# between the city administration and its committees), and the router should follow the current practice.
# On the Kursk appeals the same complaints went to the city administration in one stretch of the export and to its
# committees in the others (docs/understanding.md, «The labels' ceiling»).
DEFAULT_ROUTE_HALF_LIFE_DAYS = 180.0


def route_weight(decided_at: datetime, now: datetime, half_life_days: float = DEFAULT_ROUTE_HALF_LIFE_DAYS) -> float:
    """ROUTE_WEIGHT halved every `half_life_days` of age; a decision «from the future» (clock skew) counts as new."""
    age_days = max((now - decided_at).total_seconds() / 86_400, 0.0)
    return ROUTE_WEIGHT * 0.5 ** (age_days / half_life_days)
