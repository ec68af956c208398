"""Keyset paging of `GET /api/v1/appeals`: every appeal exactly once, in order, ties on created_at included;
a cursor that the list did not return is a 422; the scope holds on every page; a number is found at once."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from otklik.adapters.db.repositories import appeal_pages
from otklik.adapters.db.tables.appeals import appeals
from otklik.services.context import ServiceContext
from staff_support import StaffTeam

pytestmark = pytest.mark.db

SHARYA_TEXTS = (
    "В Шарье на улице Ленина лопнула труба, вода течёт по дороге",
    "В Шарье на улице Вокзальной огромная яма, машины бьют колёса",
    "В Шарье на улице Гагарина не горят фонари, темно",
    "В Шарье на улице Мира не вывозят мусор с площадки",
    "В Шарье на улице Свободы течёт крыша, подъезд заливает",
    "В Шарье на улице Заводской сломана детская площадка",
    "В Шарье на улице Октябрьской нет отопления третий день",
)
GALICH_TEXTS = (
    "В Галиче на улице Ленина лопнула труба, вода течёт по дороге",
    "В Галиче на улице Советской огромная яма во дворе",
    "В Галиче на улице Мира не горят фонари уличного освещения",
    "В Галиче на улице Гагарина течёт крыша после ремонта",
)
BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _submit(client: TestClient, text: str) -> dict[str, Any]:
    response = client.post("/api/v1/appeals", json={"text": text, "channel": "portal", "citizen": {"name": "Н"}})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def registered(client: TestClient, ctx: ServiceContext) -> list[dict[str, Any]]:
    """Eleven appeals whose registration moments come in threes (ties on created_at), as `expected order` knows
    them: (moment, id, number, municipality)."""
    found = [_submit(client, text) for text in (*SHARYA_TEXTS, *GALICH_TEXTS)]
    rows = []
    with ctx.uow.engine.begin() as connection:
        for index, appeal in enumerate(found):
            moment = BASE + timedelta(minutes=index // 3)  # 0,0,0,1,1,1,…: three appeals share each moment
            connection.execute(update(appeals).where(appeals.c.id == appeal["id"]).values(created_at=moment))
            rows.append({"moment": moment, **appeal})
    return rows


def _newest_first(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in sorted(rows, key=lambda row: (row["moment"], row["id"]), reverse=True)]


def _walk(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> list[dict[str, Any]]:
    """Every page by next_cursor, bounded: a cursor that never ends fails the test instead of looping."""
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(50):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/appeals", params=query, headers=headers or {})
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("next_cursor never ended")


def _ids(pages: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for page in pages for item in page["items"]]


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 5, 11, 50])
def test_keyset_walks_every_appeal_once_in_order(
    client: TestClient, registered: list[dict[str, Any]], per_page: int
) -> None:
    pages = _walk(client, per_page=per_page)
    assert _ids(pages) == _newest_first(registered)
    assert all(len(page["items"]) == per_page for page in pages[:-1])
    assert all(page["total"] == len(registered) and page["total_capped"] is False for page in pages)


def test_an_appeal_registered_meanwhile_neither_repeats_nor_shifts_the_walk(
    client: TestClient, registered: list[dict[str, Any]]
) -> None:
    first = client.get("/api/v1/appeals", params={"per_page": 4}).json()
    _submit(client, "В Шарье на улице Ленина снова лопнула труба")  # the newest: before the first page
    rest = _walk(client, per_page=4, cursor=first["next_cursor"])
    assert _ids([first, *rest]) == _newest_first(registered), "offset paging would have repeated an appeal"


def test_a_filtered_list_and_a_search_by_date_page_by_keyset(
    client: TestClient, registered: list[dict[str, Any]]
) -> None:
    pipes = [row for row in registered if "труба" in row["text"]]
    assert len(pipes) == 2
    assert _ids(_walk(client, q="труба", sort="date", per_page=1)) == _newest_first(pipes)


def test_a_search_by_relevance_pages_by_offset_without_repeats(
    client: TestClient, registered: list[dict[str, Any]]
) -> None:
    streets = [row for row in registered if "Ленина" in row["text"] or "Мира" in row["text"]]
    walked = _ids(_walk(client, q="Ленина or Мира", per_page=1))
    assert sorted(walked) == sorted(row["id"] for row in streets)
    assert len(walked) == len(set(walked)) == 4


def test_a_search_by_relevance_ranks_and_pages_within_its_depth(
    client: TestClient, registered: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(appeal_pages, "MAX_RANKED_DEPTH", 2)  # a million's 2 000, on four hits
    streets = [row for row in registered if "Ленина" in row["text"] or "Мира" in row["text"]]
    pages = _walk(client, q="Ленина or Мира", per_page=1)
    assert sorted(_ids(pages)) == sorted(_newest_first(streets)[:2]), "the best of the newest hits, no deeper"
    assert pages[0]["total"] == 4, "the total still counts every hit"
    beyond = client.get("/api/v1/appeals", params={"q": "Ленина or Мира", "cursor": _forged({"v": 1, "o": 3})})
    assert beyond.status_code == 422 and "depth" in beyond.json()["detail"]


def test_a_district_moderator_sees_only_their_district_on_every_page(
    client: TestClient, registered: list[dict[str, Any]], staff_team: StaffTeam
) -> None:
    sharya = [row for row in registered if row["municipality_id"] == registered[0]["municipality_id"]]
    assert len(sharya) == len(SHARYA_TEXTS), "the fixture's Шарья appeals are located in Шарья"
    pages = _walk(client, headers=staff_team.headers("sharya.mod"), per_page=2)
    assert _ids(pages) == _newest_first(sharya)
    assert {page["total"] for page in pages} == {len(sharya)}
    # A cursor taken from the administrator's list does not open the other district to the moderator.
    admin_first = client.get("/api/v1/appeals", params={"per_page": 1}).json()
    galich_id = admin_first["items"][0]["id"]
    assert galich_id not in {row["id"] for row in sharya}
    continued = _walk(client, headers=staff_team.headers("sharya.mod"), per_page=50, cursor=admin_first["next_cursor"])
    assert set(_ids(continued)) <= {row["id"] for row in sharya}


def test_the_number_finds_its_appeal_alone(
    client: TestClient, registered: list[dict[str, Any]], staff_team: StaffTeam
) -> None:
    target = registered[-1]  # a Галич appeal
    page = client.get("/api/v1/appeals", params={"q": target["number"]}).json()
    assert [item["id"] for item in page["items"]] == [target["id"]]
    assert page["total"] == 1 and page["next_cursor"] is None
    hidden = client.get("/api/v1/appeals", params={"q": target["number"]}, headers=staff_team.headers("sharya.mod"))
    assert hidden.status_code == 200 and hidden.json()["items"] == [], "outside the scope a number finds nothing"


def _forged(body: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _forged([1, 2]),
        _forged({"v": 1}),
        _forged({"v": 2, "t": "2026-03-02T09:00:00+00:00", "i": 5}),
        _forged({"v": 1, "t": "2026-03-02T09:00:00", "i": 5}),
        _forged({"v": 1, "t": "yesterday", "i": 5}),
        _forged({"v": 1, "t": "2026-03-02T09:00:00+00:00", "i": 0}),
        _forged({"v": 1, "t": "2026-03-02T09:00:00+00:00", "i": 2**40}),
        _forged({"v": 1, "t": "2026-03-02T09:00:00+00:00", "i": "5"}),
        _forged({"v": 1, "o": 3}),  # a relevance search's cursor on a list in date order
        _forged({"v": 1, "o": 10**9}),
    ],
)
def test_a_cursor_the_list_did_not_return_is_422_with_a_reason(client: TestClient, cursor: str) -> None:
    response = client.get("/api/v1/appeals", params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "cursor" in response.text


def test_a_date_cursor_on_a_relevance_search_and_a_cursor_with_a_page_are_422(
    client: TestClient, registered: list[dict[str, Any]]
) -> None:
    date_cursor = client.get("/api/v1/appeals", params={"per_page": 1}).json()["next_cursor"]
    assert date_cursor
    for params in ({"q": "труба", "cursor": date_cursor}, {"page": 2, "cursor": date_cursor}):
        response = client.get("/api/v1/appeals", params=params)
        assert response.status_code == 422, (params, response.text)
        assert "cursor" in response.json()["detail"]
