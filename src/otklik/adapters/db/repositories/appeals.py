"""Appeals with their events, replies, ratings and citizens; appeal numbers from an atomic counter."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, false, func, select, true
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories import appeal_numbers
from otklik.adapters.db.repositories import appeal_pages as pages
from otklik.adapters.db.repositories.appeal_pages import AppealPage
from otklik.adapters.db.search import newest
from otklik.adapters.db.search.appeal_text import Order, date_order, highlights, text_search
from otklik.adapters.db.search.query import search_text
from otklik.adapters.db.tables.appeals import appeal_events, appeals, citizens, ratings, replies
from otklik.domain.access import AWAITING_MODERATION, AppealScope
from otklik.domain.analytics import AppealSlice, Measure
from otklik.domain.appeal import Appeal
from otklik.domain.calendar import MOSCOW
from otklik.domain.citizen import Citizen
from otklik.domain.errors import InvalidInput
from otklik.domain.events import AppealEvent
from otklik.domain.numbering import AppealNumber
from otklik.domain.replies import Rating, Reply
from otklik.domain.status import OPEN_STATUSES, AppealStatus


@dataclass(frozen=True)
class AppealFilter:
    status: str | None = None
    group: str | None = None
    municipality_id: str | None = None
    agency_id: str | None = None
    query: str | None = None
    overdue_at: datetime | None = None  # set: only open appeals whose deadline passed before this moment
    # The dashboard's drill-down: the appeals behind a figure (period, channel, topic, measure), as of `measured_at`.
    slice: AppealSlice | None = None
    measured_at: datetime | None = None
    sort: str | None = None  # with `query`: "date" keeps the newest first; otherwise the best matches first
    page: int = 1
    per_page: int = 50
    cursor: str | None = None  # a previous page's `next_cursor` (appeal_pages.py); excludes `page` > 1
    # False: the total is counted up to COUNT_CAP only (then `total_capped`). The dashboard's drill-down keeps
    # it exact, since its total must be the figure it was opened from.
    exact_total: bool = True

    @property
    def ranked(self) -> bool:
        """A word search in relevance order: its pages are offsets, not keyset ranges."""
        return bool(self.query and self.query.strip()) and self.sort != "date"


MAX_ID = 2**31 - 1  # ids are `integer` columns


def visible_in(scope: AppealScope) -> ColumnElement[bool]:
    """The SQL form of `AppealScope.admits`: every list, count, search and export of appeals goes through it."""
    if scope.nothing:
        return false()
    if scope.everything:
        return true()
    if scope.municipality_id is not None:
        return appeals.c.municipality_id == scope.municipality_id
    # A body's appeals are those assigned to it: a proposal waiting for a moderator is not yet theirs.
    return (appeals.c.agency_id == (scope.agency_id or "")) & appeals.c.status.not_in(sorted(AWAITING_MODERATION))


_IN_WORK = sorted(s.value for s in OPEN_STATUSES - {AppealStatus(status) for status in AWAITING_MODERATION})


def slice_conditions(part: AppealSlice, now: datetime, *, tz: ZoneInfo = MOSCOW) -> list[ColumnElement[bool]]:
    """The SQL of `AppealSlice`: the dashboard's aggregates and its drill-down list filter with the same
    conditions, so a list's total is the figure it was opened from (docs/analytics.md lists the measures)."""
    a = appeals.c
    conditions: list[ColumnElement[bool]] = []
    if part.start is not None:
        conditions.append(a.created_at >= datetime.combine(part.start, time(0), tzinfo=tz))
    if part.end is not None:
        conditions.append(a.created_at < datetime.combine(part.end + timedelta(days=1), time(0), tzinfo=tz))
    for column, value in (
        (a.municipality_id, part.municipality_id),
        (a.group, part.group),
        (a.topic, part.topic),
        (a.agency_id, part.agency_id),
        (a.channel, part.channel),
    ):
        if value is not None:
            conditions.append(column == value)
    if part.measure is not None:
        conditions.append(measure_condition(part.measure, now))
    return conditions


def measure_condition(measure: Measure, now: datetime) -> ColumnElement[bool]:
    a = appeals.c
    routed = a.routed_by_machine.is_not(None) | (a.redirect_count > 0)
    in_work = a.status.in_(_IN_WORK)
    conditions: dict[Measure, ColumnElement[bool]] = {
        Measure.FINAL_ANSWER: a.resolved_at.is_not(None),
        Measure.EVER_ANSWERED: a.resolved_at.is_not(None) | (a.reopen_count > 0),
        Measure.FIRST_RESPONSE: a.first_response_hours.is_not(None),
        Measure.DUE_ANSWERED: a.resolved_at.is_not(None) & a.due_at.is_not(None),
        Measure.ON_TIME: a.resolved_at.is_not(None) & a.due_at.is_not(None) & (a.resolved_at <= a.due_at),
        Measure.LATE: a.resolved_at.is_not(None) & a.due_at.is_not(None) & (a.resolved_at > a.due_at),
        Measure.OPEN: in_work,
        Measure.OVERDUE: in_work & (a.due_at < now) & a.clock_paused_at.is_(None),
        Measure.REOPENED: a.reopen_count > 0,
        Measure.ROUTED: routed,
        Measure.REDIRECTED: a.redirect_count > 0,
        Measure.MACHINE_ROUTED: a.routed_by_machine.is_(True),
        Measure.MACHINE_CORRECTED: a.routed_by_machine.is_(True) & (a.corrected.is_(True) | (a.redirect_count > 0)),
        Measure.RATED: a.rating_score.is_not(None),
        Measure.SOLVED: a.rating_solved.is_(True),
    }
    return conditions[measure]


def _after(cursor: pages.AfterCursor) -> ColumnElement[bool]:
    """Rows after the cursor in (created_at desc, id desc); the first term bounds the index range on its own."""
    a = appeals.c
    return (a.created_at <= cursor.created_at) & ((a.created_at < cursor.created_at) | (a.id < cursor.id))


def _is_number(filters: AppealFilter) -> bool:
    return filters.query is not None and bool(filters.query.strip()) and search_text(filters.query).is_number


def _next_cursor(filters: AppealFilter, items: list[Appeal], *, more: bool, offset: int) -> str | None:
    if not more or not items:
        return None
    if filters.ranked:
        following = offset + len(items)
        return pages.encode(pages.OffsetCursor(following)) if following < pages.MAX_RANKED_DEPTH else None
    last = items[-1]
    assert last.id is not None
    return pages.encode(pages.AfterCursor(last.created_at, last.id))


class AppealRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def next_number(self, region: int, year: int) -> AppealNumber:
        """Unique and increasing under concurrency (a sequence per region and year on PostgreSQL: repositories/
        appeal_numbers.py)."""
        return AppealNumber(region, year, appeal_numbers.next_value(self._session, region, year))

    def next_numbers(self, region: int, year: int, count: int) -> list[AppealNumber]:
        """`count` numbers at once, increasing (one statement on PostgreSQL for a worker's batch)."""
        values = appeal_numbers.next_values(self._session, region, year, count)
        return [AppealNumber(region, year, value) for value in values]

    def add(self, appeal: Appeal) -> Appeal:
        self._session.add(appeal)
        self._session.flush()
        return appeal

    def add_many(self, batch: Sequence[Appeal]) -> None:
        """One flush for the batch: the ORM sends the new appeals as one multi-row INSERT … RETURNING their ids
        (and the dashboard rollup's delta of the flush as one insert)."""
        self._session.add_all(batch)
        self._session.flush()

    def get(self, appeal_id: int, *, lock: bool = False) -> Appeal | None:
        """None for an id the column cannot hold (PostgreSQL `integer`): such an appeal does not exist, and the
        driver must not be asked (it fails with «integer out of range» / OverflowError instead of a 404)."""
        if not 1 <= appeal_id <= MAX_ID:
            return None
        if lock:
            return self._session.get(Appeal, appeal_id, with_for_update=True)
        return self._session.get(Appeal, appeal_id)

    def get_by_number(self, number: str) -> Appeal | None:
        return self._session.scalars(select(Appeal).where(appeals.c.number == number)).first()

    def search(self, filters: AppealFilter, scope: AppealScope) -> tuple[list[Appeal], int]:
        found = self.page(filters, scope)
        return found.items, found.total

    def page(self, filters: AppealFilter, scope: AppealScope) -> AppealPage:
        """One page of the list in scope, its total (capped unless `exact_total`) and the next page's cursor."""
        cursor = pages.decode(filters.cursor) if filters.cursor else None
        if cursor is not None and filters.page != 1:
            raise InvalidInput("cursor and page are exclusive: follow next_cursor, or ask for a page number")
        if isinstance(cursor, pages.AfterCursor) and filters.ranked:
            raise InvalidInput("this cursor belongs to a list in date order, not to a search by relevance")
        if isinstance(cursor, pages.OffsetCursor) and not filters.ranked:
            raise InvalidInput("this cursor belongs to a search by relevance, not to a list in date order")
        query, order = self._matching(filters, scope)
        if _is_number(filters):
            # The unique index answers alone: no count, the page is the total (0 or 1).
            rows = self._appeals(query.order_by(*order).limit(2))
            return AppealPage(rows, len(rows), False, None)
        offset = (filters.page - 1) * filters.per_page
        if isinstance(cursor, pages.OffsetCursor):
            offset = cursor.offset
        if filters.ranked:
            return self._ranked_page(filters, query, order, offset)
        searched = bool(filters.query and filters.query.strip())
        total, capped = self._count(
            query, exact=filters.exact_total, cap=pages.SEARCH_COUNT_CAP if searched else pages.COUNT_CAP
        )
        if isinstance(cursor, pages.AfterCursor):
            query, offset = query.where(_after(cursor)), 0
        rows = self._appeals(query.order_by(*order).offset(offset).limit(filters.per_page + 1))
        items = rows[: filters.per_page]
        return AppealPage(
            items, total, capped, _next_cursor(filters, items, more=len(rows) > len(items), offset=offset)
        )

    def _ranked_page(
        self, filters: AppealFilter, query: Select[tuple[Appeal]], order: Order, offset: int
    ) -> AppealPage:
        """A page of a word search by relevance: the best among its newest MAX_RANKED_DEPTH hits (all of them when
        there are no more), ranked by `order` (relevance, then date).

        The newest hits are read in date windows back in time, each with its sort keys (its relevance computed from
        the row just read: search/newest.py); they are ranked here, and only the page's appeals are read whole.
        Reading one hit past the count's cap also gives the capped total, so no count query runs (unless the total
        must be exact)."""
        cap = pages.SEARCH_COUNT_CAP
        keys = [part.element.label(f"key_{index}") for index, part in enumerate(order)]
        wanted = pages.MAX_RANKED_DEPTH if filters.exact_total else max(pages.MAX_RANKED_DEPTH, cap + 1)
        hits = newest.newest_hits(self._session, query, keys, wanted)
        if filters.exact_total:
            total, capped = self._count(query, exact=True, cap=cap)
        else:
            total, capped = (cap, True) if len(hits) > cap else (len(hits), False)
        ids = newest.best(hits[: pages.MAX_RANKED_DEPTH], order, offset, filters.per_page + 1)
        chosen: Select[tuple[Appeal]] = select(Appeal)
        chosen = chosen.where(appeals.c.id.in_(ids))
        found = {appeal.id: appeal for appeal in self._appeals(chosen)} if ids else {}
        rows = [found[appeal_id] for appeal_id in ids if appeal_id in found]  # one deleted meanwhile is gone
        items = rows[: filters.per_page]
        more = len(ids) > filters.per_page
        return AppealPage(items, total, capped, _next_cursor(filters, items, more=more, offset=offset))

    def _appeals(self, query: Select[tuple[Appeal]]) -> list[Appeal]:
        # The one selected entity is the row's scalar; the stubs type a one-entity Select's scalars as tuples.
        return cast(list[Appeal], list(self._session.scalars(query)))

    def _count(self, query: Select[tuple[Appeal]], *, exact: bool, cap: int) -> tuple[int, bool]:
        """Exact, or up to `cap` + 1 rows: a list of a million never counts more than the cap's index range."""
        counted = query if exact else query.limit(cap + 1)
        found = int(self._session.scalar(select(func.count()).select_from(counted.subquery())) or 0)
        if exact or found <= cap:
            return found, False
        return cap, True

    def _matching(self, filters: AppealFilter, scope: AppealScope) -> tuple[Select[tuple[Appeal]], Order]:
        query: Select[tuple[Appeal]] = select(Appeal)
        query = query.where(visible_in(scope))
        if filters.status:
            query = query.where(appeals.c.status == filters.status)
        if filters.group:
            query = query.where(appeals.c.group == filters.group)
        if filters.municipality_id:
            query = query.where(appeals.c.municipality_id == filters.municipality_id)
        if filters.agency_id:
            query = query.where(appeals.c.agency_id == filters.agency_id)
        if filters.overdue_at is not None:
            open_statuses = sorted(s.value for s in OPEN_STATUSES)  # as the partial index ix_appeals_overdue_keyset
            # A paused clock (the citizen is asked for details) is not overdue, as Appeal.is_overdue says.
            query = query.where(
                appeals.c.due_at < filters.overdue_at,
                appeals.c.status.in_(open_statuses),
                appeals.c.clock_paused_at.is_(None),
            )
        if filters.slice is not None:
            query = query.where(*slice_conditions(filters.slice, filters.measured_at or datetime.now(UTC)))
        order = date_order()
        if filters.query and filters.query.strip():
            # Russian full-text search of the masked text, or the appeal's number (adapters/db/search).
            dialect = self._session.get_bind().dialect.name
            query, order = text_search(query, dialect, filters.query, by_date=filters.sort == "date")
        return query, order

    def highlights(self, query: str, appeal_ids: Collection[int], scope: AppealScope) -> dict[int, str]:
        """The search hits marked in each listed appeal's masked text (safe HTML with <mark>)."""
        return highlights(self._session, query, appeal_ids, visible_in(scope))

    def add_event(self, event: AppealEvent, *, flush: bool = False) -> AppealEvent:
        """With flush=True the event gets its id at once (it keys the notices that follow from it)."""
        self._session.add(event)
        if flush:
            self._session.flush()
        return event

    def recent_events(
        self, event_type: str, scope: AppealScope, since: datetime, *, limit: int
    ) -> list[tuple[AppealEvent, str]]:
        """Events of one type on the appeals of a scope, newest first, each with its appeal's number."""
        query = (
            select(AppealEvent, appeals.c.number)
            .join(appeals, appeals.c.id == appeal_events.c.appeal_id)
            .where(appeal_events.c.type == event_type, appeal_events.c.at >= since, visible_in(scope))
            .order_by(appeal_events.c.at.desc(), appeal_events.c.id.desc())
            .limit(limit)
        )
        return [(event, number) for event, number in self._session.execute(query)]

    def history(self, appeal_id: int) -> list[AppealEvent]:
        query = select(AppealEvent).where(appeal_events.c.appeal_id == appeal_id).order_by(appeal_events.c.id)
        return list(self._session.scalars(query))

    def add_reply(self, reply: Reply) -> Reply:
        self._session.add(reply)
        self._session.flush()
        return reply

    def replies(self, appeal_id: int) -> list[Reply]:
        query = select(Reply).where(replies.c.appeal_id == appeal_id).order_by(replies.c.id)
        return list(self._session.scalars(query))

    def add_rating(self, rating: Rating) -> None:
        self._session.add(rating)

    def ratings(self, appeal_id: int) -> list[Rating]:
        query = select(Rating).where(ratings.c.appeal_id == appeal_id).order_by(ratings.c.id)
        return list(self._session.scalars(query))

    def corrected_labels(self) -> list[tuple[str, str, str]]:
        """(text, group, topic) of every appeal a moderator corrected: the system's own training data."""
        corrected = select(appeal_events.c.appeal_id).where(appeal_events.c.type == "corrected")
        query = select(appeals.c.text, appeals.c.group, appeals.c.topic).where(
            appeals.c.id.in_(corrected), appeals.c.group.is_not(None)
        )
        return [(text, group, topic or "") for text, group, topic in self._session.execute(query)]

    def human_routes(self) -> list[tuple[str, str, datetime]]:
        """(text, agency id, when) of appeals a person assigned or redirected: past decisions for the learned router.

        `when` is the latest such decision, so the router can weigh recent practice above old practice."""
        by_people = (
            select(appeal_events.c.appeal_id, func.max(appeal_events.c.at).label("decided_at"))
            .where(
                appeal_events.c.type == "status_changed",
                appeal_events.c.to_status.in_(["assigned", "redirected"]),
                appeal_events.c.actor != "system",
            )
            .group_by(appeal_events.c.appeal_id)
            .subquery()
        )
        query = (
            select(appeals.c.text, appeals.c.agency_id, by_people.c.decided_at)
            .join(by_people, by_people.c.appeal_id == appeals.c.id)
            .where(appeals.c.agency_id.is_not(None))
            .order_by(appeals.c.id)
        )
        return [(text, agency_id, decided_at) for text, agency_id, decided_at in self._session.execute(query)]

    def citizen_of(self, channel: str, channel_user_id: str) -> Citizen | None:
        return self._first((citizens.c.channel == channel) & (citizens.c.channel_user_id == channel_user_id))

    def _first(self, condition: ColumnElement[bool]) -> Citizen | None:
        return self._session.scalars(select(Citizen).where(condition).order_by(citizens.c.id).limit(1)).first()

    def of_citizen(self, channel: str, channel_user_id: str, *, limit: int) -> list[Appeal]:
        query = (
            select(Appeal)
            .join(citizens, citizens.c.id == appeals.c.citizen_id)
            .where(citizens.c.channel == channel, citizens.c.channel_user_id == channel_user_id)
            .order_by(appeals.c.created_at.desc(), appeals.c.id.desc())
            .limit(limit)
        )
        return list(self._session.scalars(query))

    def paused_of(self, channel: str, *, channel_user_id: str | None, email: str | None) -> list[Appeal]:
        """Appeals of the channel's person (by their id in the channel, else by e-mail) whose clock is paused:
        the ones waiting for the citizen's details, newest pause first; locked, the answer moves their deadlines."""
        who: ColumnElement[bool]
        if channel_user_id:
            who = (citizens.c.channel == channel) & (citizens.c.channel_user_id == channel_user_id)
        elif email:
            who = func.lower(citizens.c.email) == email.lower()
        else:
            return []
        query = (
            select(Appeal)
            .join(citizens, citizens.c.id == appeals.c.citizen_id)
            .where(who, appeals.c.channel == channel, appeals.c.clock_paused_at.is_not(None))
            .where(appeals.c.status.in_([status.value for status in OPEN_STATUSES]))
            .order_by(appeals.c.clock_paused_at.desc(), appeals.c.id.desc())
            .with_for_update(of=appeals)
        )
        return list(self._session.scalars(query))

    def find_or_add_citizen(self, citizen: Citizen) -> Citizen:
        """One citizen per channel identity (a Telegram chat, a portal account), so «my appeals» in a channel is
        exact; without a channel identity, the same phone, then the same e-mail, is the same person."""
        found: Citizen | None = None
        if citizen.channel and citizen.channel_user_id:
            found = self._first(
                (citizens.c.channel == citizen.channel) & (citizens.c.channel_user_id == citizen.channel_user_id)
            )
        else:
            if citizen.phone:
                found = self._first(citizens.c.phone == citizen.phone)
            if found is None and citizen.email:
                found = self._first(citizens.c.email == citizen.email)
        if found is not None:
            return found
        self._session.add(citizen)
        self._session.flush()
        return citizen
