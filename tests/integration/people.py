"""What people do through the API in the learning tests: write an appeal, route it by hand."""

from __future__ import annotations

from fastapi.testclient import TestClient


def submit(client: TestClient, text: str) -> dict[str, object]:
    response = client.post("/api/v1/appeals", json={"text": text, "citizen": {"name": "Пётр"}})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def route_by_hand(client: TestClient, appeal: dict[str, object], agency_id: str) -> None:
    """A moderator assigns an appeal from the queue; one the machine already assigned is redirected."""
    move = "assigned" if appeal["status"] == "needs_moderation" else "redirected"
    response = client.post(
        f"/api/v1/appeals/{appeal['id']}/transitions",
        json={"to": move, "agency_id": agency_id, "reason": "не та компетенция"},
    )
    assert response.is_success, response.text
