"""Schemas of the analytics API: the dashboard summary and the league table. Figures only — no names, texts or
contacts; every figure carries `drilldown` (the workplace list) and `api` (the appeals API) that list its appeals."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from otklik.domain.analytics import (
    AppealSlice,
    BodyLoad,
    Breakdown,
    Count,
    Durations,
    LeagueRow,
    LeagueTable,
    Satisfaction,
    Share,
    Summary,
)


class FiltersOut(BaseModel):
    start: date | None
    end: date | None
    municipality: str | None
    group: str | None
    topic: str | None
    agency: str | None
    channel: str | None


class CountOut(BaseModel):
    value: int
    drilldown: str
    api: str


class ShareOut(BaseModel):
    value: float | None
    part: CountOut
    whole: CountOut


class DurationsOut(BaseModel):
    """Working hours on the production calendar."""

    median_hours: float | None
    p90_hours: float | None
    measured: CountOut


class SatisfactionOut(BaseModel):
    average_score: float | None
    solved: ShareOut


class BarOut(BaseModel):
    key: str
    label: str
    count: CountOut


class VolumesOut(BaseModel):
    bucket: str
    by_period: list[BarOut]
    by_group: list[BarOut]
    by_topic: list[BarOut]
    by_municipality: list[BarOut]
    by_channel: list[BarOut]
    by_agency: list[BarOut]


class BodyLoadOut(BaseModel):
    agency_id: str
    name: str
    open: CountOut
    overdue: CountOut


class SummaryOut(BaseModel):
    filters: FiltersOut
    generated_at: datetime
    total: CountOut
    problems: int = Field(..., description="distinct problems: the appeals of one incident count once")
    volumes: VolumesOut
    on_time: ShareOut
    first_response: DurationsOut
    final_answer: DurationsOut
    satisfaction: SatisfactionOut
    reopen_rate: ShareOut
    redirect_rate: ShareOut
    machine_routed: ShareOut
    machine_corrected: ShareOut
    backlog: list[BodyLoadOut]


class WeekOut(BaseModel):
    week_start: date
    answered: int
    on_time: int
    on_time_share: float | None


class LeagueRowOut(BaseModel):
    rank: int
    agency_id: str
    name: str
    answered: int
    on_time: ShareOut
    satisfaction: SatisfactionOut
    reopen_rate: ShareOut
    redirect_rate: ShareOut
    trend: list[WeekOut]


class LeagueOut(BaseModel):
    filters: FiltersOut
    generated_at: datetime
    weeks: list[date]
    rows: list[LeagueRowOut]


def filters_out(part: AppealSlice) -> FiltersOut:
    return FiltersOut(
        start=part.start,
        end=part.end,
        municipality=part.municipality_id,
        group=part.group,
        topic=part.topic,
        agency=part.agency_id,
        channel=part.channel,
    )


def count_out(count: Count) -> CountOut:
    return CountOut(value=count.value, drilldown=count.slice.ui_url(), api=count.slice.api_url())


def share_out(share: Share) -> ShareOut:
    return ShareOut(value=share.value, part=count_out(share.part), whole=count_out(share.whole))


def durations_out(durations: Durations) -> DurationsOut:
    return DurationsOut(median_hours=durations.median, p90_hours=durations.p90, measured=count_out(durations.measured))


def satisfaction_out(satisfaction: Satisfaction) -> SatisfactionOut:
    return SatisfactionOut(average_score=satisfaction.average_score, solved=share_out(satisfaction.solved))


def bars_out(bars: list[Breakdown]) -> list[BarOut]:
    return [BarOut(key=b.key, label=b.label, count=count_out(b.count)) for b in bars]


def load_out(load: BodyLoad) -> BodyLoadOut:
    return BodyLoadOut(
        agency_id=load.agency_id, name=load.name, open=count_out(load.open), overdue=count_out(load.overdue)
    )


def summary_out(found: Summary) -> SummaryOut:
    v = found.volumes
    return SummaryOut(
        filters=filters_out(found.slice),
        generated_at=found.generated_at,
        total=count_out(found.total),
        problems=found.problems,
        volumes=VolumesOut(
            bucket=v.bucket.value,
            by_period=bars_out(v.by_period),
            by_group=bars_out(v.by_group),
            by_topic=bars_out(v.by_topic),
            by_municipality=bars_out(v.by_municipality),
            by_channel=bars_out(v.by_channel),
            by_agency=bars_out(v.by_agency),
        ),
        on_time=share_out(found.on_time),
        first_response=durations_out(found.first_response),
        final_answer=durations_out(found.final_answer),
        satisfaction=satisfaction_out(found.satisfaction),
        reopen_rate=share_out(found.reopen_rate),
        redirect_rate=share_out(found.redirect_rate),
        machine_routed=share_out(found.machine_routed),
        machine_corrected=share_out(found.machine_corrected),
        backlog=[load_out(load) for load in found.backlog],
    )


def league_row_out(row: LeagueRow) -> LeagueRowOut:
    return LeagueRowOut(
        rank=row.rank,
        agency_id=row.agency_id,
        name=row.name,
        answered=row.answered,
        on_time=share_out(row.on_time),
        satisfaction=satisfaction_out(row.satisfaction),
        reopen_rate=share_out(row.reopen_rate),
        redirect_rate=share_out(row.redirect_rate),
        trend=[
            WeekOut(week_start=w.week_start, answered=w.answered, on_time=w.on_time, on_time_share=w.on_time_share)
            for w in row.trend
        ],
    )


def league_out(table: LeagueTable) -> LeagueOut:
    return LeagueOut(
        filters=filters_out(table.slice),
        generated_at=table.generated_at,
        weeks=table.weeks,
        rows=[league_row_out(r) for r in table.rows],
    )
