"""The dashboard's rollup stays right while appeals live their lives: after every step of a lifecycle (registration
on several days, interim and final answers, a rating that reopens, a redirect, a correction of group and place,
a second final answer, a rating) the figures summed from the rollup equal the direct queries over the appeals —
the oracle, a second and independent computation over the appeals themselves, not the rollup read back. The
rebuild from the appeals gives the very cells the incremental maintenance left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from otklik.adapters.db.repositories.analytics import AnalyticsRepository
from otklik.adapters.db.repositories.analytics_rollup import RollupReader, fold_pending, rebuild, rollup_serves
from otklik.adapters.db.tables.analytics_rollup import ROLLUP_COUNTERS, analytics_rollup, analytics_rollup_hours
from otklik.clock import FrozenClock
from otklik.domain.access import Role, scope_of, staff
from otklik.domain.analytics import AppealSlice, Measure, bucket_width, hour_bucket
from otklik.services import analytics
from otklik.services.analytics import BREAKDOWNS
from otklik.services.context import ServiceContext
from staff_support import GALICH, GALICH_ADMIN, SHARYA, SHARYA_ADMIN

pytestmark = pytest.mark.db

MSK = ZoneInfo("Europe/Moscow")
SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
GALICH_TEXT = "Не горят фонари во дворе на улице Советской в Галиче, темно"
PROPER = "Яма на улице Советской заделана 12.03.2026 бригадой МУП «Шарьинское дорожное хозяйство» литым асфальтом."
CITIZEN = {"name": "Пётр Сидоров", "phone": "+7 910 555-44-33"}
REGION = scope_of(staff("rollup.admin", Role.ADMIN))
EVENT_MEASURES = [m for m in Measure if m is not Measure.OVERDUE]  # the league's: none depends on the moment
PERIODS = [
    AppealSlice(date(2026, 11, 1), date(2026, 12, 1)),
    AppealSlice(date(2026, 11, 2), date(2026, 11, 2)),
    AppealSlice(date(2026, 11, 3), date(2026, 11, 10)),
    AppealSlice(date(2026, 10, 1), date(2026, 10, 31)),  # nothing registered
]


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=MSK)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def register(client: TestClient, text: str, agency_id: str) -> int:
    card = ok(client.post("/api/v1/appeals", json={"text": text, "citizen": CITIZEN}))
    url = f"/api/v1/appeals/{card['id']}/transitions"
    if card["status"] != "needs_moderation":
        ok(client.post(url, json={"to": "needs_moderation", "reason": "проверка"}))
    ok(client.post(url, json={"to": "assigned", "agency_id": agency_id}))
    return int(card["id"])


def agree(ctx: ServiceContext, part: AppealSlice) -> None:
    """The rollup's figures for the whole region equal the direct queries' (counts exactly; percentiles exactly
    on the exact path, within one bucket's width on the histogram path)."""
    now = ctx.clock.now()
    assert rollup_serves(REGION, part)
    with ctx.uow(readonly=True) as uow:
        reader = RollupReader(uow.session)
        counts, average, breakdowns, durations, problems = reader.summary_figures(REGION, part, now)
        approximate = reader.summary_figures(REGION, part, now, exact_up_to=0)[3]
        league = reader.counts_by_agency(part, EVENT_MEASURES)
        direct = AnalyticsRepository(uow.session)
        d_counts, d_average = direct.measure_counts(REGION, part, now, list(Measure))
        d_breakdowns = direct.breakdowns(REGION, part, now, BREAKDOWNS)
        d_durations = direct.durations(REGION, part, now)
        d_problems = direct.problem_count(REGION, part, now)
        d_league = direct.measure_counts_by_agency(REGION, part, now, EVENT_MEASURES)
    assert counts == d_counts, part
    assert average == pytest.approx(d_average) if d_average is not None else average is None
    for dimension in BREAKDOWNS:
        assert [row[:2] for row in breakdowns[dimension]] == [row[:2] for row in d_breakdowns[dimension]], dimension
    assert breakdowns["agency"] == d_breakdowns["agency"]  # with open and overdue per body (the backlog)
    assert durations == d_durations
    for kind, (median, p90, measured) in d_durations.items():
        estimate = approximate[kind]
        assert estimate[2] == measured
        for exact, read in ((median, estimate[0]), (p90, estimate[1])):
            if exact is None:
                assert read is None
            else:
                assert read is not None and abs(read - exact) <= bucket_width(hour_bucket(exact)) + 1e-6, kind
    assert problems == d_problems
    assert {a: c for a, (c, _) in league.items()} == {a: c for a, (c, _) in d_league.items()}
    for agency, (_, score) in d_league.items():
        assert league[agency][1] == (pytest.approx(score) if score is not None else None)


def rollup_rows(ctx: ServiceContext) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    with ctx.uow(readonly=True) as uow:
        cells = {
            tuple(row)
            for row in uow.session.execute(select(analytics_rollup))
            if any(row._mapping[name] for name in ROLLUP_COUNTERS)
        }
        hours = {tuple(row) for row in uow.session.execute(select(analytics_rollup_hours)) if row.n}
    return cells, hours


def fold(ctx: ServiceContext, *, batch: int = 5_000) -> int:
    with ctx.uow() as uow:
        moved = fold_pending(uow.session.connection(), batch=batch)
        uow.commit()
    return moved


def test_the_rollup_equals_the_direct_queries_through_a_lifecycle(ctx: ServiceContext, client: TestClient) -> None:
    steps: list[Callable[[], object]] = []
    ids: dict[str, int] = {}

    def check() -> None:
        for part in PERIODS:
            agree(ctx, part)

    ctx.clock = clock = FrozenClock(at(2, 10))
    for key, text, agency in (("A", SHARYA_TEXT, SHARYA_ADMIN), ("B", SHARYA_TEXT, SHARYA_ADMIN)):
        ids[key] = register(client, text, agency)
    ctx.clock = clock = FrozenClock(at(3, 9))
    ids["C"] = register(client, GALICH_TEXT, GALICH_ADMIN)
    ids["D"] = register(client, SHARYA_TEXT, SHARYA_ADMIN)
    ctx.clock = clock = FrozenClock(at(9, 15))
    ids["E"] = register(client, GALICH_TEXT, GALICH_ADMIN)
    check()

    current = ok(client.get(f"/api/v1/appeals/{ids['C']}"))["category"]["group"]
    other = next(g for g in ctx.reference.rubricator.groups if g.name != current and g.active and g.topics)
    other_topic = next(t.name for t in other.topics if t.active)
    steps = [
        lambda: ok(client.post(f"/api/v1/appeals/{ids['A']}/replies", json={"kind": "interim", "text": "Принято"})),
        lambda: ok(client.post(f"/api/v1/appeals/{ids['B']}/answers", json={"text": PROPER})),
        lambda: ok(client.post(f"/api/v1/appeals/{ids['B']}/ratings", json={"score": 2, "solved": False})),  # reopen
        lambda: ok(
            client.post(
                f"/api/v1/appeals/{ids['D']}/transitions",
                json={"to": "redirected", "agency_id": "transport", "reason": "региональная дорога"},
            )
        ),
        lambda: ok(
            client.post(
                f"/api/v1/appeals/{ids['C']}/corrections",
                json={"group": other.name, "topic": other_topic, "municipality_id": SHARYA, "reason": "уточнено"},
            )
        ),
        lambda: ok(client.post(f"/api/v1/appeals/{ids['A']}/answers", json={"text": PROPER})),
        lambda: ok(client.post(f"/api/v1/appeals/{ids['A']}/ratings", json={"score": 5, "solved": True})),
        lambda: ok(client.post(f"/api/v1/appeals/{ids['B']}/answers", json={"text": PROPER})),
        lambda: ok(client.post(f"/api/v1/appeals/{ids['B']}/ratings", json={"score": 4, "solved": True})),
    ]
    for number, (hours, step) in enumerate(zip((2, 20, 1, 3, 30, 40, 1, 100, 2), steps, strict=True)):
        clock.advance(hours=hours)
        step()
        check()  # with the deltas pending
        if number % 2:  # folded after every other step, so a fold meets deltas of several steps and kinds
            assert fold(ctx) > 0
            check()
    ctx.clock = FrozenClock(at(1, 12, month=12))  # later: deadlines pass, overdue grows without an event
    check()
    assert ok(client.get(f"/api/v1/appeals/{ids['C']}"))["municipality_id"] == SHARYA

    fold(ctx)
    assert fold(ctx) == 0, "nothing is folded twice"
    incremental = rollup_rows(ctx)
    with ctx.uow() as uow:
        assert rebuild(uow.session.connection()) == 5
        uow.commit()
    assert rollup_rows(ctx) == incremental
    check()


def test_the_summary_reads_the_rollup_only_for_the_whole_region(ctx: ServiceContext, client: TestClient) -> None:
    """Another scope or any filter reads the appeals directly; both paths give the dashboard the same figures."""
    ctx.clock = FrozenClock(at(2, 10))
    register(client, SHARYA_TEXT, SHARYA_ADMIN)
    register(client, GALICH_TEXT, GALICH_ADMIN)
    part = PERIODS[0]
    district = scope_of(staff("m", Role.DISTRICT_MODERATOR, municipality_id=GALICH))
    body = scope_of(staff("h", Role.AGENCY_HEAD, agency_id=SHARYA_ADMIN))
    assert rollup_serves(REGION, part)
    assert not rollup_serves(district, part) and not rollup_serves(body, part)
    assert not rollup_serves(REGION, part.narrowed(municipality_id=GALICH))
    admin = staff("rollup.admin", Role.ADMIN)
    whole = analytics.summary(ctx, admin, part)
    galich = analytics.summary(ctx, admin, part.narrowed(municipality_id=GALICH))
    sharya = analytics.summary(ctx, admin, part.narrowed(municipality_id=SHARYA))
    assert whole.total.value == galich.total.value + sharya.total.value == 2
    assert whole.satisfaction.solved.whole.value == 0 and whole.first_response.median is None
    by_place = {b.key: b.count.value for b in whole.volumes.by_municipality}
    assert by_place == {GALICH: 1, SHARYA: 1}
