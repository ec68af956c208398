"""Bad input gets a 4xx problem response with a reason, and nothing is half-written."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from staff_support import StaffTeam

pytestmark = pytest.mark.db

MESSAGE = {
    "channel": "vk",
    "external_id": "wall-1_100_5",
    "text": "Не вывозят мусор на улице Мира в Буе вторую неделю",
    "author": {"name": "Анна", "id": "123"},
    "created_at": "2026-11-27T10:00:00+03:00",
}


def _problem(response: object) -> dict[str, object]:
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"text": ""}, 422, "text is empty"),
        ({"text": "   "}, 422, "text is empty"),
        ({"text": "я" * 20_001}, 422, "text"),
        ({"channel": "myspace"}, 422, "unknown channel"),
        ({"lat": 55.75, "lon": 37.61}, 422, "outside Kostroma Oblast"),
        ({"lat": 57.7}, 422, "both lat and lon"),
        ({"lat": 95.0, "lon": 40.0}, 422, "not a point on Earth"),
        ({"created_at": "2026-11-27T10:00:00"}, 422, "time zone"),
        ({"context": {"municipality_id": "00000000"}}, 422, "unknown municipality"),
        ({"external_id": "   "}, 422, "external_id"),
    ],
)
def test_bad_messages_are_refused_with_a_reason(
    client: TestClient, staff_team: StaffTeam, change: dict, status: int, fragment: str
) -> None:
    response = client.post("/api/v1/messages", headers=staff_team.gateway, json={**MESSAGE, **change})
    assert response.status_code == status
    assert fragment in str(_problem(response)["detail"])
    assert client.get("/api/v1/appeals").json()["total"] == 0


def test_missing_text_names_the_field(client: TestClient, staff_team: StaffTeam) -> None:
    body = {k: v for k, v in MESSAGE.items() if k != "text"}
    problem = _problem(client.post("/api/v1/messages", headers=staff_team.gateway, json=body))
    assert "text" in str(problem["detail"])


def test_malformed_json_is_a_400(client: TestClient, staff_team: StaffTeam) -> None:
    response = client.post(
        "/api/v1/messages",
        content=b'{"channel": "vk", ',
        headers={"content-type": "application/json", **staff_team.gateway},
    )
    assert response.status_code == 400
    assert _problem(response)["title"] == "Malformed JSON"


def test_unknown_filters_are_refused(client: TestClient) -> None:
    assert "unknown municipality" in str(
        _problem(client.get("/api/v1/appeals", params={"municipality": "Москва"}))["detail"]
    )
    assert client.get("/api/v1/appeals", params={"status": "lost"}).status_code == 422
    assert client.get("/api/v1/appeals", params={"agency": "nope"}).status_code == 422


def test_unknown_appeal_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/appeals/999999").status_code == 404
    assert client.post("/api/v1/appeals/999999/transitions", json={"to": "closed"}).status_code == 404


def test_unknown_target_status_and_agency(client: TestClient) -> None:
    appeal = client.post("/api/v1/appeals", json={"text": "Нет воды в Буе", "citizen": {"name": "A"}}).json()
    url = f"/api/v1/appeals/{appeal['id']}/transitions"
    assert "unknown status" in str(_problem(client.post(url, json={"to": "done"}))["detail"])
    response = client.post(url, json={"to": "redirected", "agency_id": "nope"})
    assert "unknown agency" in str(_problem(response)["detail"])


@pytest.mark.parametrize("appeal_id", ["3000000000", "99999999999999999999", "0", "-5"])
@pytest.mark.parametrize("suffix", ["", "/contacts"])
def test_an_id_beyond_the_column_is_a_404_not_a_server_error(client: TestClient, appeal_id: str, suffix: str) -> None:
    response = client.get(f"/api/v1/appeals/{appeal_id}{suffix}")
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("appeal_id", ["3000000000", "99999999999999999999"])
def test_writes_to_an_id_beyond_the_column_are_404(client: TestClient, appeal_id: str) -> None:
    base = f"/api/v1/appeals/{appeal_id}"
    assert client.post(f"{base}/ratings", json={"score": 5, "solved": True}).status_code == 404
    assert client.post(f"{base}/corrections", json={"group": "ЖКХ"}).status_code == 404
    assert client.post(f"{base}/transitions", json={"to": "in_progress"}).status_code == 404
    assert client.post(f"{base}/replies", json={"kind": "interim", "text": "Работы запланированы"}).status_code == 404
