"""`Reach` is a superset of `match`: whatever the rule can accept for a new appeal, the reach admits, so a store
may read only those candidates (services/incidents.py). Checked on every pair of a grid of signals that varies each
thing the rule looks at, and on the rule's own examples."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from otklik.domain.incidents import IncidentSignal, MatchRule, Reach, match, reach_of

T0 = datetime(2026, 12, 2, 9, 0)
RULE = MatchRule()
PROBLEM = frozenset({"труба", "прорвать", "вода", "#вода-авария"})
OTHER_PROBLEM = frozenset({"мусор", "контейнер", "вывозить", "#мусор"})
SHARED_HALF = frozenset({"труба", "вода", "мусор", "контейнер"})
# Points around 57.767 N: the same spot, 20 m, 60 m (near, not within `near_metres`) and 5 km away.
POINTS = [(None, None), (57.767, 40.926), (57.76718, 40.926), (57.767, 40.927), (57.81, 40.926)]


def _grid() -> list[IncidentSignal]:
    signals: list[IncidentSignal] = []
    values = itertools.product(
        ("ЖКХ", "Дороги", None),  # group
        (("ленин", "12"), ("ленин", "40"), ("ленин", None), ("советский", "12"), (None, None)),  # street, house
        (("s-town", 33_000), ("s-village", 800), ("s-nameless", None), (None, None)),  # settlement, population
        POINTS,
        (PROBLEM, OTHER_PROBLEM, SHARED_HALF),
    )
    for n, (group, (street, house), (settlement, population), (lat, lon), lemmas) in enumerate(values):
        signals.append(
            IncidentSignal(
                appeal_id=n,
                created_at=T0 + timedelta(hours=n % 3),
                municipality_id="34730000",
                group=group,
                topic="Прорыв" if group == "ЖКХ" else None,
                settlement_id=settlement,
                settlement_population=population,
                street=street,
                house=house,
                lat=lat,
                lon=lon,
                lemmas=lemmas,
            )
        )
    return signals


def test_every_pair_the_rule_matches_is_within_the_new_appeals_reach() -> None:
    grid = _grid()
    matched = 0
    for new, other in itertools.product(grid[::3], grid):  # every third as the new one: a second, not five
        if match(new, other, RULE) is None:
            continue
        matched += 1
        reach = reach_of(new, RULE)
        assert reach is not None and reach.admits(other), (new, other)
    assert matched > 500  # the grid exercises the rule, not only its refusals


def test_the_reach_leaves_out_what_cannot_match() -> None:
    grid = _grid()
    refused = sum(
        1
        for new, other in itertools.product(grid[:200], grid)
        if (reach := reach_of(new, RULE)) is not None and not reach.admits(other)
    )
    assert refused > 0


def test_other_groups_far_apart_in_a_city_are_out_of_reach() -> None:
    new = IncidentSignal(1, T0, "34730000", "ЖКХ", street="ленин", house="12", lat=57.767, lon=40.926)
    reach = reach_of(new, RULE)
    assert reach == Reach("34730000", "ЖКХ", "ленин", None, reach.box if reach else None)
    far = IncidentSignal(2, T0, "34730000", "Дороги", street="советский", house="3", lat=57.81, lon=40.926)
    near = IncidentSignal(3, T0, "34730000", "Дороги", street="советский", house="3", lat=57.76715, lon=40.9262)
    other_town = IncidentSignal(4, T0, "34708000", "ЖКХ", street="ленин", house="12")
    assert reach is not None
    assert not reach.admits(far) and reach.admits(near) and not reach.admits(other_town)


def test_nothing_can_match_an_appeal_without_a_municipality_or_any_anchor() -> None:
    assert reach_of(IncidentSignal(1, T0, None, "ЖКХ"), RULE) is None
    assert (
        reach_of(IncidentSignal(1, T0, "34730000", None, settlement_id="s-town", settlement_population=9e5), RULE)
        is None
    )
