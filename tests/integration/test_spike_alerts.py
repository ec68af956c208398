"""Spike alerts on a real database: raised once per municipality × group while the burst lasts, pushed to the
moderators of that municipality (regional and its district office, not another district's), listed in scope,
acknowledged by a moderator (who and when), closed when the rate is back; noise does not count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from integration.map_support import add_appeal
from otklik.adapters.db.tables.outbox import deliveries
from otklik.clock import FrozenClock
from otklik.domain.access import Role, scope_of
from otklik.services import live_feed, staff
from otklik.services.context import ServiceContext
from otklik.services.spike_alerts import SPIKE_ALERT, scan_spikes
from staff_support import GALICH, PASSWORD, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # Wednesday 15:00 in Kostroma


def _history(ctx: ServiceContext, municipality_id: str, group: str = "ЖКХ") -> None:
    """Four weeks of one ЖКХ appeal a day at varying hours: the series' own norm."""
    for day in range(1, 29):
        at = NOW - timedelta(days=day, hours=(day * 5) % 24)
        add_appeal(ctx, municipality_id=municipality_id, group=group, created_at=at, agency_id=SHARYA_ADMIN)


def _burst(ctx: ServiceContext, municipality_id: str, count: int, *, ends: datetime, **extra: object) -> list[int]:
    return [
        add_appeal(
            ctx,
            municipality_id=municipality_id,
            group="ЖКХ",
            topic="Отсутствие водоснабжения" if i % 4 else "Прорыв трубы",
            created_at=ends - timedelta(minutes=10 * i + 1),
            agency_id=SHARYA_ADMIN,
            **extra,  # type: ignore[arg-type]
        )
        for i in range(count)
    ]


@pytest.fixture
def clock(ctx: ServiceContext) -> FrozenClock:
    frozen = FrozenClock(NOW)
    ctx.clock = frozen
    return frozen


@pytest.fixture
def moderators(ctx: ServiceContext) -> dict[str, str]:
    """Moderators with e-mail addresses (the durable push goes by e-mail), created through the real service."""
    people = {
        "reg.mail": (Role.REGIONAL_MODERATOR, None, "reg@cur44.example"),
        "sharya.mail": (Role.DISTRICT_MODERATOR, SHARYA, "sharya@cur44.example"),
        "galich.mail": (Role.DISTRICT_MODERATOR, GALICH, "galich@cur44.example"),
    }
    for login, (role, municipality, email) in people.items():
        staff.add_user(ctx, staff.NewUser(login, role, PASSWORD, login, municipality, None, email))
    return {login: email for login, (_, _, email) in people.items()}


def _letters(ctx: ServiceContext) -> list[str]:
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(select(deliveries.c.recipient).where(deliveries.c.kind == SPIKE_ALERT)).all()
    return sorted(row.recipient["author"]["email"] for row in rows)


def test_a_burst_raises_one_alert_pushed_to_that_municipality_s_moderators(
    ctx: ServiceContext, clock: FrozenClock, moderators: dict[str, str]
) -> None:
    _history(ctx, SHARYA)
    _history(ctx, GALICH)
    _burst(ctx, SHARYA, 14, ends=NOW)
    with live_feed.subscribe(ctx) as feed:
        result = scan_spikes(ctx)
        event = feed.get(timeout=2)
    assert len(result.raised) == 1
    with ctx.uow(readonly=True) as uow:
        from otklik.adapters.db.repositories.spike_alerts import SpikeAlertRepository

        [alert] = SpikeAlertRepository(uow.session).open_alerts()
    assert alert.municipality_id == SHARYA and alert.group == "ЖКХ"
    assert alert.text.startswith("Шарья · ЖКХ: 14 обращений за 3 часа при норме 1 в день")
    assert alert.topic == "Отсутствие водоснабжения"  # 10 of the 14
    assert alert.notified == ["reg.mail", "sharya.mail"]
    assert _letters(ctx) == sorted([moderators["reg.mail"], moderators["sharya.mail"]])  # not Галич's office
    assert event is not None and event["change"] == SPIKE_ALERT and event["municipality_id"] == SHARYA
    galich_office = staff.principal_of_bearer(
        ctx, staff.sign_in(ctx, "galich.mail", PASSWORD, client="test", kind="bearer").token
    )
    sharya_office = staff.principal_of_bearer(
        ctx, staff.sign_in(ctx, "sharya.mail", PASSWORD, client="test", kind="bearer").token
    )
    assert galich_office is not None and sharya_office is not None
    # the live stream filters each reader by this very rule (web/live_stream.py)
    assert scope_of(sharya_office).admits(event["municipality_id"], event["agency_id"], event["status"])
    assert not scope_of(galich_office).admits(event["municipality_id"], event["agency_id"], event["status"])


def test_the_alert_lasts_without_repeating_and_closes_when_the_rate_is_back(
    ctx: ServiceContext, clock: FrozenClock, moderators: dict[str, str]
) -> None:
    _history(ctx, SHARYA)
    _burst(ctx, SHARYA, 14, ends=NOW)
    [first] = scan_spikes(ctx).raised
    clock.advance(minutes=30)
    _burst(ctx, SHARYA, 3, ends=clock.now())
    again = scan_spikes(ctx)
    assert again.raised == [] and again.closed == []  # still the same burst: no second alert, no second letter
    assert len(_letters(ctx)) == 2
    clock.advance(hours=4)  # the burst has left the three-hour window
    assert scan_spikes(ctx).closed == [first]
    assert scan_spikes(ctx).closed == []
    clock.advance(days=1)
    _burst(ctx, SHARYA, 12, ends=clock.now())  # a new burst the next day is a new alert
    [second] = scan_spikes(ctx).raised
    assert second != first and len(_letters(ctx)) == 4


def test_spam_and_rejected_chatter_make_no_spike(ctx: ServiceContext, clock: FrozenClock) -> None:
    _history(ctx, SHARYA)
    _burst(ctx, SHARYA, 14, ends=NOW, status="rejected", reject_reason="spam")
    assert scan_spikes(ctx).raised == []
    _burst(ctx, SHARYA, 6, ends=NOW - timedelta(minutes=2), status="rejected", reject_reason="duplicate")
    assert len(scan_spikes(ctx).raised) == 1  # duplicates of one burst pipe are the spike itself


def test_a_steady_stream_raises_nothing(ctx: ServiceContext, clock: FrozenClock) -> None:
    _history(ctx, SHARYA)
    _burst(ctx, SHARYA, 1, ends=NOW)
    for _ in range(3):
        assert scan_spikes(ctx).raised == []
        clock.advance(hours=1)


def test_alerts_are_listed_in_scope_and_acknowledged_by_a_moderator(
    ctx: ServiceContext, clock: FrozenClock, anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    _history(ctx, SHARYA)
    _burst(ctx, SHARYA, 14, ends=NOW)
    [alert_id] = scan_spikes(ctx).raised
    seen = {
        login: [
            a["id"] for a in anonymous_client.get("/api/v1/analytics/alerts", headers=staff_team.headers(login)).json()
        ]
        for login in ("admin", "regmod", "sharya.mod", "galich.mod", "analyst", "sharya.exec", "galich.exec")
    }
    assert seen == {
        "admin": [alert_id],
        "regmod": [alert_id],
        "sharya.mod": [alert_id],
        "galich.mod": [],
        "analyst": [alert_id],
        "sharya.exec": [alert_id],  # the burst's appeals are assigned to the Шарья administration
        "galich.exec": [],
    }
    url = f"/api/v1/analytics/alerts/{alert_id}/acknowledge"
    assert anonymous_client.post(url, headers=staff_team.headers("galich.mod")).status_code == 404
    assert anonymous_client.post(url, headers=staff_team.headers("analyst")).status_code == 403
    assert anonymous_client.post(url).status_code == 401
    done = anonymous_client.post(url, headers=staff_team.headers("sharya.mod"))
    assert done.status_code == 200, done.text
    assert "sharya.mod" in done.json()["acknowledged_by"]
    assert done.json()["acknowledged_at"].startswith("2026-03-11T12:00")
    later = anonymous_client.post(url, headers=staff_team.headers("regmod")).json()
    assert "sharya.mod" in later["acknowledged_by"]  # the first acknowledgement stays
    open_only = anonymous_client.get(
        "/api/v1/analytics/alerts", params={"state": "open"}, headers=staff_team.headers("admin")
    )
    assert [a["id"] for a in open_only.json()] == [alert_id] and open_only.json()[0]["open"] is True
    assert (
        anonymous_client.get(
            "/api/v1/analytics/alerts", params={"state": "x"}, headers=staff_team.headers("admin")
        ).status_code
        == 422
    )


def test_the_serve_job_scans_in_the_background(ctx: ServiceContext, clock: FrozenClock) -> None:
    import threading

    from otklik.workers.spike_job import spike_job

    _history(ctx, SHARYA)
    _burst(ctx, SHARYA, 14, ends=NOW)
    stop = threading.Event()
    with live_feed.subscribe(ctx) as feed:
        job = spike_job(ctx, interval_seconds=0.05)
        worker = threading.Thread(target=job.run, args=(stop,), daemon=True)
        worker.start()
        try:
            event = feed.get(timeout=10)
        finally:
            stop.set()
            worker.join(timeout=5)
    assert event is not None and event["change"] == SPIKE_ALERT
    with ctx.uow(readonly=True) as uow:
        from otklik.adapters.db.repositories.spike_alerts import SpikeAlertRepository

        assert len(SpikeAlertRepository(uow.session).open_alerts()) == 1  # many ticks, one alert
