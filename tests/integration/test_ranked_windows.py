"""A word search by relevance reads its newest hits window by window back in time (search/newest.py): on a small
generated region (`bench/generate_appeals.py`) its pages are exactly the best of the newest hits that one plain
query ranks, in the same order, in a district's scope and the whole region's, with windows of any first width;
the scope holds on every page, the capped total is the count's, and the cursors walk the depth without repeats.

PostgreSQL only: the generator writes with COPY, and the windows are keyed in PostgreSQL's scoped word index."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from database_support import fresh_database
from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.mappers import start_mappers
from otklik.adapters.db.repositories import appeal_pages
from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.adapters.db.search import newest, postgres
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.domain.access import EVERYTHING, AppealScope

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from generate_appeals import generate

pytestmark = pytest.mark.db  # PostgreSQL's only: the SQLite pass does not collect it (tests/integration/conftest.py)

COUNT = 3_000
WORD = "ситуация"  # in about a quarter of the generated appeals
DEPTH = 60  # the million's 2,000, on a district's ~120 hits of the word
UNTIL = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

# Written here, not taken from the product: the newest DEPTH hits in date order, then ranked among themselves.
ORACLE = text(
    """
    SELECT id FROM (
        SELECT id, created_at, ts_rank_cd(search_vector, websearch_to_tsquery('russian', :q)) AS relevance
        FROM appeals
        WHERE search_vector @@ websearch_to_tsquery('russian', :q)
          AND (CAST(:m AS text) IS NULL OR municipality_id = :m)
        ORDER BY created_at DESC, id DESC
        LIMIT :depth
    ) newest
    ORDER BY relevance DESC, created_at DESC, id DESC
    """
)


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnitOfWorkFactory]:
    with fresh_database("otklik_windows", tmp_path_factory.mktemp("db")) as url:
        generate(url, COUNT, seed=7, until=UNTIL, max_seconds=300)
        start_mappers()  # as bootstrap does (idempotent): the repository reads Appeal objects
        engine = build_engine(url)
        yield UnitOfWorkFactory(engine)
        engine.dispose()


@pytest.fixture(scope="module")
def district(region: UnitOfWorkFactory) -> str:
    """The district with the most hits of the word: more than DEPTH of them, spread over many days."""
    with region() as work:
        row = work.session.execute(
            text(
                "SELECT municipality_id, count(*) FROM appeals WHERE search_vector @@ websearch_to_tsquery('russian',"
                " :q) GROUP BY municipality_id ORDER BY count(*) DESC LIMIT 1"
            ),
            {"q": WORD},
        ).one()
    assert row[1] > 2 * DEPTH, "the generated district has too few hits to need the bounded ranking"
    return str(row[0])


@pytest.fixture
def shallow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appeal_pages, "MAX_RANKED_DEPTH", DEPTH)
    monkeypatch.setattr(appeal_pages, "SEARCH_COUNT_CAP", DEPTH)


def _expected(region: UnitOfWorkFactory, municipality: str | None) -> list[int]:
    with region() as work:
        rows = work.session.execute(ORACLE, {"q": WORD, "m": municipality, "depth": DEPTH})
        return [int(row[0]) for row in rows]


def _walk(region: UnitOfWorkFactory, scope: AppealScope, filters: AppealFilter) -> list[list[Any]]:
    """Every page by next_cursor, bounded: a cursor that never ends fails the test instead of looping."""
    pages: list[list[Any]] = []
    cursor: str | None = None
    for _ in range(DEPTH + 1):
        with region() as work:
            page = work.appeals.page(replace(filters, cursor=cursor), scope)
        assert page.total == DEPTH and page.total_capped, "more hits than the cap: «больше»"
        pages.append(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return pages
    raise AssertionError("next_cursor never ended")


@pytest.mark.usefixtures("shallow")
@pytest.mark.parametrize("first_days", [1, 7, 60, 400])
@pytest.mark.parametrize("in_district", [True, False])
def test_the_windows_rank_the_same_newest_hits_as_one_query(
    region: UnitOfWorkFactory, district: str, monkeypatch: pytest.MonkeyPatch, first_days: int, in_district: bool
) -> None:
    monkeypatch.setattr(newest, "FIRST_DAYS", first_days)  # 1: many windows; 400: the rest of the range at once
    scope = AppealScope(municipality_id=district) if in_district else EVERYTHING
    pages = _walk(region, scope, AppealFilter(query=WORD, per_page=7, exact_total=False))
    walked = [appeal.id for page in pages for appeal in page]
    assert walked == _expected(region, district if in_district else None)
    assert all(len(page) == 7 for page in pages[:-1]), "every page but the last is full"
    if in_district:
        assert {appeal.municipality_id for page in pages for appeal in page} == {district}


@pytest.mark.usefixtures("shallow")
def test_the_newest_hits_span_many_windows(region: UnitOfWorkFactory, district: str) -> None:
    """The case above is not trivial: the district's newest hits spread over weeks, so one-day windows widen
    several times before they hold DEPTH hits."""
    with region() as work:
        query = select(appeals.c.id).where(appeals.c.municipality_id == district, postgres.matches(WORD))
        hits = newest.newest_hits(work.session, query, [], DEPTH)
        span = work.session.execute(
            text("SELECT max(created_at) - min(created_at) FROM appeals WHERE id = ANY(:ids)"),
            {"ids": [int(row[0]) for row in hits]},
        ).scalar_one()
    assert len(hits) == DEPTH
    assert span > timedelta(days=14)


def test_a_ranked_search_in_another_district_sees_none_of_this_one(region: UnitOfWorkFactory, district: str) -> None:
    with region() as work:
        other = work.session.execute(
            text("SELECT municipality_id FROM appeals WHERE municipality_id <> :m LIMIT 1"), {"m": district}
        ).scalar_one()
        page = work.appeals.page(AppealFilter(query=WORD, exact_total=False), AppealScope(municipality_id=other))
    assert page.items and {appeal.municipality_id for appeal in page.items} == {other}


def test_an_exact_total_counts_every_hit_while_the_ranking_stays_bounded(
    region: UnitOfWorkFactory, district: str, shallow: None
) -> None:
    with region() as work:
        page = work.appeals.page(AppealFilter(query=WORD, per_page=DEPTH), AppealScope(municipality_id=district))
        every = work.session.execute(
            text(
                "SELECT count(*) FROM appeals WHERE municipality_id = :m"
                " AND search_vector @@ websearch_to_tsquery('russian', :q)"
            ),
            {"m": district, "q": WORD},
        ).scalar_one()
    assert (page.total, page.total_capped) == (every, False)
    assert [appeal.id for appeal in page.items] == _expected(region, district)
