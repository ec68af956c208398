"""Under concurrent requests over real HTTP: one appeal per message, and numbers never repeat."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from staff_support import StaffTeam

pytestmark = pytest.mark.db

MESSAGE = {
    "channel": "vk",
    "external_id": "wall-1_200_7",
    "text": "Прорыв трубы на улице Ленина в Буе, вода хлещет во двор, помогите!",
    "author": {"name": "Олег", "id": "555"},
    "created_at": "2026-11-27T10:00:00+03:00",
}


def _post(url: str, body: dict[str, object], headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(timeout=30, headers=headers) as http:
        return http.post(f"{url}/api/v1/messages", json=body)


def test_the_same_message_raced_eight_times_makes_one_appeal(live_server: str, staff_team: StaffTeam) -> None:
    gateway = staff_team.gateway
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: _post(live_server, MESSAGE, gateway), range(8)))
    assert all(r.status_code == 202 for r in responses), [r.text for r in responses]
    decisions = [r.json()["decision"] for r in responses]
    assert decisions.count("registered") == 1
    assert set(decisions) <= {"registered", "duplicate", "queued"}
    appeal_ids = {r.json()["appeal_id"] for r in responses} - {None}
    assert len(appeal_ids) == 1
    listing = httpx.get(f"{live_server}/api/v1/appeals", headers=staff_team.headers("admin")).json()
    assert listing["total"] == 1


def test_concurrent_distinct_messages_get_distinct_consecutive_numbers(live_server: str, staff_team: StaffTeam) -> None:
    bodies = [dict(MESSAGE, external_id=f"wall-1_300_{i}") for i in range(20)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda b: _post(live_server, b, staff_team.gateway), bodies))
    numbers = [r.json()["appeal_number"] for r in responses]
    assert None not in numbers
    assert len(set(numbers)) == 20
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + 20))
