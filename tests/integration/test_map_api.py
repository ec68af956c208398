"""`GET /api/v1/analytics/map` and its boundaries on a real database: appeals per 1,000 residents (the population
read here from the shipped CSV), overdue share, bounded points without personal data, filters, and each role's
scope (a district office sees its municipality, a body its own appeals)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape

from integration.map_support import add_appeal, population_from_csv
from otklik.domain.channels import Channel
from otklik.services.context import ServiceContext
from staff_support import GALICH, GALICH_ADMIN, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

BUY = "34705000"
NOW = datetime.now(UTC)
DAY = NOW - timedelta(hours=2)
SHARYA_POINT, GALICH_POINT = (58.37, 45.51), (58.38, 42.36)


def _figures(body: dict[str, object]) -> dict[str, dict[str, object]]:
    rows = body["municipalities"]
    assert isinstance(rows, list)
    return {row["id"]: row for row in rows}


@pytest.fixture
def stream(ctx: ServiceContext) -> dict[str, list[int]]:
    """Шарья: 3 ЖКХ appeals of its administration (2 with a point); Галич: 2 (one overdue); Буй: 1 VK road appeal."""
    made: dict[str, list[int]] = {"sharya": [], "galich": [], "buy": []}
    for i in range(3):
        made["sharya"].append(
            add_appeal(
                ctx,
                municipality_id=SHARYA,
                group="ЖКХ",
                created_at=DAY - timedelta(minutes=i),
                agency_id=SHARYA_ADMIN,
                lat=SHARYA_POINT[0] + i / 100 if i < 2 else None,
                lon=SHARYA_POINT[1] if i < 2 else None,
            )
        )
    made["galich"].append(
        add_appeal(
            ctx,
            municipality_id=GALICH,
            group="ЖКХ",
            created_at=DAY - timedelta(minutes=10),
            agency_id=GALICH_ADMIN,
            due_at=NOW - timedelta(hours=1),  # open and past its deadline: overdue
            lat=GALICH_POINT[0],
            lon=GALICH_POINT[1],
        )
    )
    made["galich"].append(
        add_appeal(
            ctx,
            municipality_id=GALICH,
            group="ЖКХ",
            created_at=DAY - timedelta(minutes=10),
            agency_id=GALICH_ADMIN,
            status="resolved",
        )
    )
    made["buy"].append(add_appeal(ctx, municipality_id=BUY, group="Дороги", created_at=DAY, channel=Channel.VK))
    return made


def test_figures_per_1000_residents_and_overdue_share(client: TestClient, stream: dict[str, list[int]]) -> None:
    response = client.get("/api/v1/analytics/map")
    assert response.status_code == 200, response.text
    body = response.json()
    rows = _figures(body)
    assert len(rows) == 29
    sharya, galich, buy = rows[SHARYA], rows[GALICH], rows[BUY]
    assert sharya["population"] == population_from_csv("Шарья")
    assert sharya["appeals"] == 3
    assert sharya["per_1000"] == pytest.approx(3 * 1000 / population_from_csv("Шарья"))
    assert galich["per_1000"] == pytest.approx(2 * 1000 / population_from_csv("Галич"))
    assert buy["per_1000"] == pytest.approx(1 * 1000 / population_from_csv("Буй"))
    assert (galich["overdue"], galich["overdue_share"]) == (1, 0.5)
    assert (sharya["overdue"], sharya["overdue_share"]) == (0, 0.0)
    assert rows["34701000"]["appeals"] == 0 and rows["34701000"]["overdue_share"] is None  # Кострома: none
    assert sharya["list_url"] == f"/ui/map/appeals?municipality={SHARYA}"
    assert "OpenStreetMap" in body["boundary_source"] and "settlements.csv" in body["population_source"]


def test_points_carry_no_personal_data_and_are_bounded(client: TestClient, stream: dict[str, list[int]]) -> None:
    body = client.get("/api/v1/analytics/map").json()
    assert body["points_total"] == 3
    assert {p["id"] for p in body["points"]} == {*stream["sharya"][:2], stream["galich"][0]}
    for point in body["points"]:
        assert set(point) == {"id", "number", "lat", "lon", "group", "status", "created_at"}
    # the text's name and phone (+7 900 123-45-67); not «900» alone, which an appeal id can be on PostgreSQL
    assert "Иванов" not in json.dumps(body, ensure_ascii=False) and "123-45-67" not in json.dumps(body)
    limited = client.get("/api/v1/analytics/map", params={"points": 1}).json()
    assert limited["points_total"] == 3 and limited["points_limit"] == 1
    assert [p["id"] for p in limited["points"]] == [stream["sharya"][0]]  # the newest
    assert client.get("/api/v1/analytics/map", params={"points": 100_000}).status_code == 422


def test_filters_by_group_channel_and_days(client: TestClient, stream: dict[str, list[int]]) -> None:
    roads = _figures(client.get("/api/v1/analytics/map", params={"group": "Дороги"}).json())
    assert (roads[BUY]["appeals"], roads[SHARYA]["appeals"]) == (1, 0)
    vk = _figures(client.get("/api/v1/analytics/map", params={"channel": "vk"}).json())
    assert sum(int(r["appeals"]) for r in vk.values()) == 1
    long_ago = (NOW - timedelta(days=60)).date()
    old = client.get("/api/v1/analytics/map", params={"from": str(long_ago), "to": str(long_ago)}).json()
    assert all(r["appeals"] == 0 for r in old["municipalities"]) and old["points"] == []
    today = _figures(client.get("/api/v1/analytics/map", params={"from": str(long_ago)}).json())
    assert today[SHARYA]["appeals"] == 3


@pytest.mark.parametrize(
    ("params", "reason"),
    [({"group": "Нет такой"}, "unknown group"), ({"from": "2026-02-02", "to": "2026-02-01"}, "after")],
)
def test_bad_filters_are_refused_with_the_reason(client: TestClient, params: dict[str, str], reason: str) -> None:
    response = client.get("/api/v1/analytics/map", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert reason in response.text


def test_a_district_office_sees_its_municipality_only(
    ctx: ServiceContext, anonymous_client: TestClient, staff_team: StaffTeam, stream: dict[str, list[int]]
) -> None:
    body = anonymous_client.get("/api/v1/analytics/map", headers=staff_team.headers("sharya.mod")).json()
    rows = _figures(body)
    assert rows[SHARYA]["appeals"] == 3
    assert rows[GALICH]["appeals"] is None and rows[GALICH]["per_1000"] is None and rows[GALICH]["list_url"] is None
    assert {p["id"] for p in body["points"]} == set(stream["sharya"][:2])
    other = anonymous_client.get("/api/v1/analytics/map", headers=staff_team.headers("galich.mod")).json()
    assert {p["id"] for p in other["points"]} == {stream["galich"][0]}
    assert _figures(other)[SHARYA]["appeals"] is None


def test_a_body_sees_its_own_appeals_everywhere(
    anonymous_client: TestClient, staff_team: StaffTeam, stream: dict[str, list[int]]
) -> None:
    body = anonymous_client.get("/api/v1/analytics/map", headers=staff_team.headers("galich.exec")).json()
    rows = _figures(body)
    assert (rows[GALICH]["appeals"], rows[SHARYA]["appeals"], rows[BUY]["appeals"]) == (2, 0, 0)
    assert [p["id"] for p in body["points"]] == [stream["galich"][0]]
    analyst = anonymous_client.get("/api/v1/analytics/map", headers=staff_team.headers("analyst")).json()
    assert analyst["points_total"] == 3


def test_without_identity_or_as_an_integration_nothing_is_shown(
    anonymous_client: TestClient, staff_team: StaffTeam
) -> None:
    assert anonymous_client.get("/api/v1/analytics/map").status_code == 401
    assert anonymous_client.get("/api/v1/analytics/map/boundaries").status_code == 401
    assert anonymous_client.get("/api/v1/analytics/map", headers=staff_team.gateway).status_code == 403


def test_boundaries_are_the_29_municipalities_simplified(client: TestClient) -> None:
    response = client.get("/api/v1/analytics/map/boundaries")
    assert response.status_code == 200
    collection = response.json()
    assert len(response.content) < 200_000  # simplified: the shipped file is ~770 KB
    ids = {f["id"] for f in collection["features"]}
    assert len(ids) == 29 and {SHARYA, GALICH, BUY} <= ids
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty, feature["properties"]["name"]
    sharya = next(shape(f["geometry"]) for f in collection["features"] if f["id"] == SHARYA)
    from shapely.geometry import Point

    assert sharya.contains(Point(45.51, 58.37))  # the town of Шарья (lon, lat) lies inside its own polygon
