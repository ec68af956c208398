"""The dashboard and the agency league table: aggregates of the appeals in the reader's scope, no personal data.

Interface for the views and the weekly report (docs/analytics.md):
    check_slice(ctx, part)                  -> None (422 on an unknown place, group, topic, body, channel, period)
    with_period(ctx, part)                  -> the slice with the default period (the last 30 days) filled in
    summary(ctx, principal, part)           -> Summary
    league_table(ctx, principal, part)      -> LeagueTable
Every figure carries the `AppealSlice` that reproduces it: `slice.api_url()` / `slice.ui_url()` list the appeals.
The whole region over a period is summed from the incremental rollup (repositories/analytics_rollup.py); any
other slice or scope reads the appeals directly — both give the same figures (test_analytics_rollup.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from otklik.adapters.db.repositories.analytics import AnalyticsRepository
from otklik.adapters.db.repositories.analytics_rollup import RollupReader, rollup_serves
from otklik.domain.access import Action, Principal, authorize, scope_of
from otklik.domain.analytics import (
    MAX_SPAN_DAYS,
    AppealSlice,
    BodyLoad,
    Breakdown,
    Bucket,
    Count,
    Durations,
    LeagueRow,
    LeagueTable,
    Measure,
    Satisfaction,
    Share,
    Summary,
    Volumes,
    WeekPoint,
    bucket_for,
    bucket_start,
    rank_key,
)
from otklik.domain.channels import Channel
from otklik.domain.errors import InvalidInput
from otklik.services.context import ServiceContext

DEFAULT_DAYS = 30
TOP_TOPICS = 15
TREND_WEEKS = 4  # this week and the three before it
CHANNEL_RU = {
    "vk": "ВКонтакте",
    "telegram": "Telegram",
    "telegram_bot": "Telegram-бот",
    "portal": "портал",
    "hotline": "горячая линия",
    "112": "112",
    "email": "эл. почта",
    "open311": "Open311",
    "im_import": "импорт ИМ",
    "table_import": "импорт таблицы",
    "demo": "демо",
}
MONTHS_RU = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def check_slice(ctx: ServiceContext, part: AppealSlice) -> None:
    """A bad filter is a 422 with the reason, never an empty dashboard that looks like «no appeals»."""
    ref = ctx.reference
    if part.municipality_id is not None and ref.municipality(part.municipality_id) is None:
        raise InvalidInput(f"unknown municipality {part.municipality_id!r}; see /api/v1/reference/municipalities")
    if part.agency_id is not None and ref.agency(part.agency_id) is None:
        raise InvalidInput(f"unknown agency {part.agency_id!r}; see /api/v1/reference/agencies")
    if part.group is not None and ref.rubricator.group(part.group) is None:
        raise InvalidInput(f"unknown group {part.group!r}; see /api/v1/reference/categories")
    if part.topic is not None:
        topic = ref.rubricator.topic(part.topic)
        if topic is None or (part.group is not None and topic.group != part.group):
            raise InvalidInput(f"unknown topic {part.topic!r}" + (f" in group {part.group!r}" if part.group else ""))
    if part.channel is not None and part.channel not in {c.value for c in Channel}:
        raise InvalidInput(f"unknown channel {part.channel!r}; one of {', '.join(c.value for c in Channel)}")
    if part.start is not None and part.end is not None:
        if part.start > part.end:
            raise InvalidInput(f"from ({part.start}) is after to ({part.end})")
        if (part.end - part.start).days + 1 > MAX_SPAN_DAYS:
            raise InvalidInput(f"the period is longer than {MAX_SPAN_DAYS} days")


def with_period(ctx: ServiceContext, part: AppealSlice) -> AppealSlice:
    """The default period is the last 30 days up to today; a single bound is completed by the same span."""
    today = ctx.clock.now().astimezone(ctx.calendar.tz).date()
    end = part.end or (part.start + timedelta(days=DEFAULT_DAYS - 1) if part.start else today)
    start = part.start or end - timedelta(days=DEFAULT_DAYS - 1)
    completed = part.narrowed(start=start, end=end)
    check_slice(ctx, completed)
    return completed


def summary(ctx: ServiceContext, principal: Principal, part: AppealSlice) -> Summary:
    """The dashboard of the appeals registered in the slice's period, within the principal's scope.

    A district moderator asking for another district (or a body's person for another body) gets empty figures:
    the slice and the scope both apply, and outside the scope appeals do not exist."""
    authorize(principal, Action.ANALYTICS)
    part = with_period(ctx, part)
    scope = scope_of(principal)
    now = ctx.clock.now()
    with ctx.uow(readonly=True) as uow:
        if rollup_serves(scope, part):  # the whole region over a period: summed from the daily rollup
            counts, average, breakdowns, durations, problems = RollupReader(uow.session).summary_figures(
                scope, part, now
            )
        else:
            repo = AnalyticsRepository(uow.session)
            counts, average = repo.measure_counts(scope, part, now, list(Measure))
            breakdowns = repo.breakdowns(scope, part, now, BREAKDOWNS)
            durations = repo.durations(scope, part, now)
            problems = repo.problem_count(scope, part, now)
    first, final = durations["first_response"], durations["final_answer"]

    def count(measure: Measure | None) -> Count:
        return Count(counts[measure], part.narrowed(measure=measure))

    def share(numerator: Measure, denominator: Measure) -> Share:
        return Share(count(numerator), count(denominator))

    return Summary(
        slice=part,
        generated_at=now,
        total=count(None),
        problems=problems,
        volumes=_volumes(ctx, part, breakdowns),
        on_time=share(Measure.ON_TIME, Measure.DUE_ANSWERED),
        first_response=Durations(first[0], first[1], count(Measure.FIRST_RESPONSE)),
        final_answer=Durations(final[0], final[1], count(Measure.FINAL_ANSWER)),
        satisfaction=Satisfaction(average, share(Measure.SOLVED, Measure.RATED)),
        reopen_rate=share(Measure.REOPENED, Measure.EVER_ANSWERED),
        redirect_rate=share(Measure.REDIRECTED, Measure.ROUTED),
        machine_routed=share(Measure.MACHINE_ROUTED, Measure.ROUTED),
        machine_corrected=share(Measure.MACHINE_CORRECTED, Measure.MACHINE_ROUTED),
        backlog=_backlog(ctx, part, breakdowns["agency"]),
    )


BREAKDOWNS = ["day", "group", "topic", "municipality", "channel", "agency"]


def _volumes(ctx: ServiceContext, part: AppealSlice, breakdowns: dict[str, list[tuple[Any, int, int, int]]]) -> Volumes:
    assert part.start is not None and part.end is not None
    bucket = bucket_for(part.start, part.end)
    per_bucket: dict[date, int] = defaultdict(int)
    for day, n, _, _ in breakdowns["day"]:
        per_bucket[bucket_start(day, bucket)] += n
    periods = []
    cursor = bucket_start(part.start, bucket)
    while cursor <= part.end:
        following = _next_bucket(cursor, bucket)
        narrowed = part.narrowed(start=max(cursor, part.start), end=min(following - timedelta(days=1), part.end))
        periods.append(
            Breakdown(cursor.isoformat(), _bucket_label(cursor, bucket), Count(per_bucket[cursor], narrowed))
        )
        cursor = following

    def by(
        dimension: str, field: str, label: dict[str, str] | None = None, limit: int | None = None
    ) -> list[Breakdown]:
        rows = breakdowns[dimension][:limit]
        return [
            Breakdown(key, (label or {}).get(key, key), Count(n, part.narrowed(**{field: key})))
            for key, n, _, _ in rows
        ]

    names = _names(ctx)
    return Volumes(
        bucket=bucket,
        by_period=periods,
        by_group=by("group", "group"),
        by_topic=by("topic", "topic", limit=TOP_TOPICS),
        by_municipality=by("municipality", "municipality_id", names[0]),
        by_channel=by("channel", "channel", CHANNEL_RU),
        by_agency=by("agency", "agency_id", names[1]),
    )


def _next_bucket(day: date, bucket: Bucket) -> date:
    if bucket is Bucket.DAY:
        return day + timedelta(days=1)
    if bucket is Bucket.WEEK:
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _bucket_label(day: date, bucket: Bucket) -> str:
    if bucket is Bucket.DAY:
        return day.strftime("%d.%m")
    if bucket is Bucket.WEEK:
        return "с " + day.strftime("%d.%m")
    return f"{MONTHS_RU[day.month - 1]} {day.year}"


def _names(ctx: ServiceContext) -> tuple[dict[str, str], dict[str, str]]:
    return (
        {m.id: m.name for m in ctx.reference.municipalities},
        {a.id: a.name for a in ctx.reference.agencies},
    )


def _backlog(ctx: ServiceContext, part: AppealSlice, by_agency: list[tuple[Any, int, int, int]]) -> list[BodyLoad]:
    agencies = _names(ctx)[1]
    rows = [
        BodyLoad(
            agency_id,
            agencies.get(agency_id, agency_id),
            Count(open_, part.narrowed(agency_id=agency_id, measure=Measure.OPEN)),
            Count(overdue, part.narrowed(agency_id=agency_id, measure=Measure.OVERDUE)),
        )
        for agency_id, _, open_, overdue in by_agency
        if open_
    ]
    return sorted(rows, key=lambda r: (-r.overdue.value, -r.open.value, r.name))


_LEAGUE_MEASURES = [
    Measure.FINAL_ANSWER,
    Measure.DUE_ANSWERED,
    Measure.ON_TIME,
    Measure.EVER_ANSWERED,
    Measure.REOPENED,
    Measure.ROUTED,
    Measure.REDIRECTED,
    Measure.RATED,
    Measure.SOLVED,
]


def league_table(ctx: ServiceContext, principal: Principal, part: AppealSlice) -> LeagueTable:
    """Bodies ranked by on-time share, then satisfaction, then fewer reopens and redirects, over the appeals
    registered in the period; with each body's on-time share of final answers week by week (this week and the
    three before it, whatever the period). A body's people see their own body's row only (their scope)."""
    authorize(principal, Action.ANALYTICS)
    part = with_period(ctx, part)
    scope = scope_of(principal)
    now = ctx.clock.now()
    weeks = _trend_weeks(ctx, now)
    since = datetime.combine(weeks[0], time(0), tzinfo=ctx.calendar.tz)
    with ctx.uow(readonly=True) as uow:
        repo = AnalyticsRepository(uow.session)
        if rollup_serves(scope, part):
            by_agency = RollupReader(uow.session).counts_by_agency(part, _LEAGUE_MEASURES)
        else:
            by_agency = repo.measure_counts_by_agency(scope, part, now, _LEAGUE_MEASURES)
        answers = repo.answers_by_week(scope, part.narrowed(start=None, end=None), now, since)
    trend: dict[str, dict[date, tuple[int, int]]] = defaultdict(dict)
    for agency_id, day, n, on_time in answers:
        week = bucket_start(day, Bucket.WEEK)
        before = trend[agency_id].get(week, (0, 0))
        trend[agency_id][week] = (before[0] + n, before[1] + on_time)
    agencies = _names(ctx)[1]
    rows = []
    for agency_id, (counts, score) in by_agency.items():
        body = part.narrowed(agency_id=agency_id)

        def count(measure: Measure, body: AppealSlice = body, counts: dict[Measure | None, int] = counts) -> Count:
            return Count(counts[measure], body.narrowed(measure=measure))

        rows.append(
            LeagueRow(
                rank=0,
                agency_id=agency_id,
                name=agencies.get(agency_id, agency_id),
                answered=counts[Measure.FINAL_ANSWER],
                on_time=Share(count(Measure.ON_TIME), count(Measure.DUE_ANSWERED)),
                satisfaction=Satisfaction(score, Share(count(Measure.SOLVED), count(Measure.RATED))),
                reopen_rate=Share(count(Measure.REOPENED), count(Measure.EVER_ANSWERED)),
                redirect_rate=Share(count(Measure.REDIRECTED), count(Measure.ROUTED)),
                trend=[WeekPoint(w, *trend[agency_id].get(w, (0, 0))) for w in weeks],
            )
        )
    ranked = [_ranked(row, i) for i, row in enumerate(sorted(rows, key=rank_key), start=1)]
    return LeagueTable(slice=part, generated_at=now, weeks=weeks, rows=ranked)


def _ranked(row: LeagueRow, rank: int) -> LeagueRow:
    return replace(row, rank=rank)


def _trend_weeks(ctx: ServiceContext, now: datetime) -> list[date]:
    this_week = bucket_start(now.astimezone(ctx.calendar.tz).date(), Bucket.WEEK)
    return [this_week - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
