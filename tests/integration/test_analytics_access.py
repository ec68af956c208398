"""The analytics endpoints in the access matrix: every role of roles.md («dashboards, league table, reports»,
transcribed in `access_spec.AGGREGATE_MARKS`) × scope, through the real HTTP API. A Шарья appeal and a Галич
appeal exist; region-wide roles count both, a district office or a body only its own; no identity is 401, an
integration token 403 — with a reason, in problem+json."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from integration.access_spec import AGGREGATES_EXPECTED
from staff_support import GALICH_ADMIN, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
GALICH_TEXT = "Не горят фонари во дворе на улице Советской в Галиче, темно"
PATHS = {"analytics_summary": "/api/v1/analytics/summary", "analytics_league": "/api/v1/analytics/league"}
# Who counts which of the two appeals (roles.md scope: own district, own body, or the region).
SEES = {
    "admin": {"sharya", "galich"},
    "regmod": {"sharya", "galich"},
    "analyst": {"sharya", "galich"},
    "sharya.mod": {"sharya"},
    "galich.mod": {"galich"},
    "sharya.exec": {"sharya"},
    "galich.exec": {"galich"},
    "sharya.head": {"sharya"},
    "galich.head": {"galich"},
}
ROLE_OF = {
    "admin": "admin",
    "regmod": "regional_moderator",
    "analyst": "analyst",
    "sharya.mod": "district_moderator",
    "galich.mod": "district_moderator",
    "sharya.exec": "executor",
    "galich.exec": "executor",
    "sharya.head": "agency_head",
    "galich.head": "agency_head",
}


def assigned(client: TestClient, text: str, agency_id: str) -> None:
    card = client.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Иван Петров"}}).json()
    url = f"/api/v1/appeals/{card['id']}/transitions"
    if card["status"] != "needs_moderation":
        assert client.post(url, json={"to": "needs_moderation", "reason": "проверка"}).status_code == 200
    assert client.post(url, json={"to": "assigned", "agency_id": agency_id}).status_code == 200


@pytest.fixture
def world(client: TestClient) -> None:
    assigned(client, SHARYA_TEXT, SHARYA_ADMIN)
    assigned(client, GALICH_TEXT, GALICH_ADMIN)


def counted(action: str, body: dict[str, Any]) -> set[str]:
    if action == "analytics_summary":
        keys = {bar["key"] for bar in body["volumes"]["by_agency"]}
    else:
        keys = {row["agency_id"] for row in body["rows"]}
    return {name for name, agency in (("sharya", SHARYA_ADMIN), ("galich", GALICH_ADMIN)) if agency in keys}


@pytest.mark.parametrize("action", sorted(PATHS))
@pytest.mark.parametrize("login", sorted(SEES))
def test_role_and_scope(client: TestClient, staff_team: StaffTeam, world: None, login: str, action: str) -> None:
    response = client.get(PATHS[action], headers=staff_team.headers(login))
    if not AGGREGATES_EXPECTED[ROLE_OF[login]][action]:
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.text
    assert counted(action, response.json()) == SEES[login]
    assert "Иван" not in response.text and "Советской" not in response.text


@pytest.mark.parametrize("path", sorted(PATHS.values()))
def test_no_identity_401_and_token_403(anonymous_client: TestClient, staff_team: StaffTeam, path: str) -> None:
    assert anonymous_client.get(path).status_code == 401
    refused = anonymous_client.get(path, headers=staff_team.gateway)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert len(refused.json()["detail"]) > 10
