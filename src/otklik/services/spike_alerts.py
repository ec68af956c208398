"""Spike alerts: the periodic scan (raise once per municipality × group, keep while high, close when back), the push
to the moderators of that municipality, and the scoped list and acknowledgement (docs/map-and-alerts.md)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from otklik.adapters.db.repositories.spike_alerts import SeriesAppeal, SpikeAlertRecord, SpikeAlertRepository
from otklik.adapters.db.repositories.staff import StaffRecord
from otklik.domain.access import AWAITING_MODERATION, EVERYTHING, Action, Principal, Role, authorize, scope_of
from otklik.domain.errors import NotFound
from otklik.domain.spikes import Assessment, Baseline, SpikeRule, alert_text, assess
from otklik.services import live_feed
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)
SPIKE_ALERT = "spike_alert"  # the delivery kind of the e-mail to a moderator, and the live feed's change
TOPIC_SHARE = 0.5  # a topic is named in the alert when at least this share of the window's appeals have it

Series = tuple[str, str]  # municipality id, group


@dataclass(frozen=True)
class ScanResult:
    series: int  # series assessed (candidates and open alerts)
    raised: list[int]
    closed: list[int]


def _repo(uow: UnitOfWork) -> SpikeAlertRepository:
    return SpikeAlertRepository(uow.session)


def scan_spikes(ctx: ServiceContext, rule: SpikeRule | None = None) -> ScanResult:
    """One pass of the detector over the appeals. Safe in several processes: the open alert of a series is unique."""
    rule = rule or SpikeRule(window_hours=ctx.settings.spike_window_hours)
    now = ctx.clock.now()
    window_start = now - timedelta(hours=rule.window_hours)
    baseline_start = window_start - timedelta(days=rule.baseline_days)
    raised: list[int] = []
    closed: list[int] = []
    with ctx.uow() as uow:
        repo = _repo(uow)
        counts = repo.window_counts(window_start, now)
        open_alerts = {(a.municipality_id, a.group): a for a in repo.open_alerts()}
        candidates = {s for s, n in counts.items() if n >= rule.min_count} | set(open_alerts)
        first = repo.first_appeal_at()
        # A young installation has a short past: its norm is over the hours it has, not four empty weeks.
        hours = rule.baseline_days * 24.0
        if first is not None:
            hours = max(1.0, min(hours, (window_start - first).total_seconds() / 3600))
        history = _by_series(repo.series_appeals(candidates, baseline_start, now))
        for series in sorted(candidates):
            rows = history.get(series, [])
            past = [r.created_at for r in rows if r.created_at < window_start]
            window = [r for r in rows if r.created_at >= window_start]
            verdict = assess(Baseline.of(past, hours), len(window), window_start, rule)
            alert = open_alerts.get(series)
            if alert is None and verdict.flagged:
                alert_id = _raise(ctx, uow, series, window, verdict, rule, now)
                if alert_id is not None:
                    raised.append(alert_id)
            elif alert is not None and verdict.still_high:
                repo.still_high(alert.id, peak_count=max(alert.peak_count, len(window)), at=now)
            elif alert is not None:
                repo.close(alert.id, now)
                closed.append(alert.id)
        uow.commit()
    for alert_id in raised:
        _announce(ctx, alert_id)
    if raised or closed:
        log.info("spikes.scanned", series=len(candidates), raised=raised, closed=closed)
    return ScanResult(len(candidates), raised, closed)


def _by_series(rows: list[SeriesAppeal]) -> dict[Series, list[SeriesAppeal]]:
    grouped: dict[Series, list[SeriesAppeal]] = defaultdict(list)
    for row in rows:
        grouped[(row.municipality_id, row.group)].append(row)
    return grouped


def _dominant(values: list[str | None], share: float) -> str | None:
    counted = Counter(v for v in values if v)
    if not counted:
        return None
    value, n = counted.most_common(1)[0]
    return value if n >= share * len(values) else None


def _raise(
    ctx: ServiceContext,
    uow: UnitOfWork,
    series: Series,
    window: list[SeriesAppeal],
    verdict: Assessment,
    rule: SpikeRule,
    now: datetime,
) -> int | None:
    municipality_id, group = series
    municipality = ctx.reference.municipality(municipality_id)
    place = municipality.name if municipality else municipality_id
    topic = _dominant([r.topic for r in window], TOPIC_SHARE)
    assigned = [r.agency_id for r in window if r.status not in AWAITING_MODERATION]
    text = alert_text(place, group, verdict.count, rule.window_hours, verdict.expected.rate_per_day)
    if topic:
        text += f" (чаще всего «{topic}»)"
    repo = _repo(uow)
    alert_id = repo.raise_alert(
        municipality_id=municipality_id,
        group=group,
        topic=topic,
        agency_id=_dominant(assigned, 0.0),
        text=text,
        count=verdict.count,
        peak_count=verdict.count,
        expected=verdict.expected.count,
        rate_per_day=verdict.expected.rate_per_day,
        p_value=verdict.p_value,
        window_hours=rule.window_hours,
        raised_at=now,
        last_seen_at=now,
        notified=[],
    )
    if alert_id is None:
        return None
    people = moderators_of(uow, municipality_id)
    repo.set_notified(alert_id, [p.login for p in people])
    latest = max(window, key=lambda r: (r.created_at, r.id))
    for person in people:
        if person.email:  # the durable push: an e-mail through the delivery outbox, once per alert and person
            uow.deliveries.enqueue(
                appeal_id=latest.id,
                channel="email",
                kind=SPIKE_ALERT,
                recipient={"channel": "email", "author": {"name": person.name, "email": person.email}, "context": {}},
                text=f"Всплеск обращений: {text}. Подробнее: /ui/alerts",
                idempotency_key=f"spike:{alert_id}:staff:{person.id}",
                at=now,
            )
    return alert_id


def moderators_of(uow: UnitOfWork, municipality_id: str) -> list[StaffRecord]:
    """The regional moderators and the district office of the municipality: who hears of its spikes."""
    regional = uow.staff.users_with_role([Role.REGIONAL_MODERATOR.value])
    district = [
        u for u in uow.staff.users_with_role([Role.DISTRICT_MODERATOR.value]) if u.municipality_id == municipality_id
    ]
    return [*regional, *district]


def _announce(ctx: ServiceContext, alert_id: int) -> None:
    """The live push: open workplace screens of people whose scope admits the municipality hear of it now."""
    with ctx.uow(readonly=True) as uow:
        alert = _repo(uow).get(alert_id, EVERYTHING)
    if alert is None:
        return
    live_feed.broadcast(
        ctx,
        {
            "change": SPIKE_ALERT,
            "alert_id": alert.id,
            "text": alert.text,
            "municipality_id": alert.municipality_id,
            "agency_id": None,  # moderators' news: a body's people see the alert in /ui/alerts, not on the stream
            "status": None,
        },
    )


# --- what people read and do -------------------------------------------------------------------------------
def list_alerts(
    ctx: ServiceContext, principal: Principal, *, open_only: bool = False, limit: int = 100
) -> list[SpikeAlertRecord]:
    authorize(principal, Action.ANALYTICS)
    with ctx.uow(readonly=True) as uow:
        return _repo(uow).listed(scope_of(principal), open_only=open_only, limit=limit)


def unacknowledged_count(ctx: ServiceContext, principal: Principal) -> int:
    """Open alerts nobody has acknowledged yet, in the person's scope: the badge in the workplace."""
    if not principal.can(Action.ANALYTICS):
        return 0
    with ctx.uow(readonly=True) as uow:
        return _repo(uow).open_unacknowledged(scope_of(principal))


def acknowledge(ctx: ServiceContext, principal: Principal, alert_id: int) -> SpikeAlertRecord:
    """A moderator has seen it (who and when are kept; the first acknowledgement stays). 404 outside the scope."""
    authorize(principal, Action.MODERATE)
    with ctx.uow() as uow:
        repo = _repo(uow)
        if repo.get(alert_id, scope_of(principal)) is None:
            raise NotFound(f"оповещение {alert_id} не найдено")
        repo.acknowledge(alert_id, actor=principal.actor, at=ctx.clock.now())
        uow.commit()
        alert = repo.get(alert_id, scope_of(principal))
    assert alert is not None
    return alert
