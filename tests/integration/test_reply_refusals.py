"""The operator's interim reply under the soak's conditions, over real HTTP on loopback (docs/processes.md, «Soak»).

The soak's refused replies were all one case: an interim reply to an appeal still waiting for a moderator. The
rules (roles.md: an interim answer is the executor's work on an appeal assigned to their body; docs/moderation.md:
a moderator accepts or routes first) refuse it — with a reason a person can act on, and without a trace on the
appeal. Replies to an appeal that is someone's work all land, also when they race one another.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from staff_support import StaffTeam

pytestmark = pytest.mark.db

TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
SHARYA_ADMIN = "adm-34730000"
REPLY = {"kind": "interim", "text": "Ваше обращение взято в работу, специалист выезжает на место."}
RACERS = 8


def _appeal_in(http: httpx.Client, status: str) -> dict[str, Any]:
    """A fresh appeal moved by the administrator to «needs_moderation» or «assigned» (to the Шарья body)."""
    card = http.post("/api/v1/appeals", json={"text": TEXT, "citizen": {"name": "Иван Петров"}})
    assert card.status_code == 201, card.text
    appeal: dict[str, Any] = card.json()
    if appeal["status"] != "needs_moderation":
        appeal = _move(http, appeal["id"], {"to": "needs_moderation"})
    if status == "assigned":
        appeal = _move(http, appeal["id"], {"to": "assigned", "agency_id": SHARYA_ADMIN})
    assert appeal["status"] == status, appeal
    return appeal


def _move(http: httpx.Client, appeal_id: int, body: dict[str, str]) -> dict[str, Any]:
    response = http.post(f"/api/v1/appeals/{appeal_id}/transitions", json=body)
    assert response.status_code == 200, response.text
    moved: dict[str, Any] = response.json()
    return moved


def test_an_interim_reply_to_an_appeal_waiting_for_a_moderator_is_refused_and_leaves_no_trace(
    live_server: str, staff_team: StaffTeam
) -> None:
    with httpx.Client(base_url=live_server, headers=staff_team.headers("admin"), timeout=30) as http:
        appeal = _appeal_in(http, "needs_moderation")
        before = http.get(f"/api/v1/appeals/{appeal['id']}").json()

        refused = http.post(f"/api/v1/appeals/{appeal['id']}/replies", json=REPLY)

        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        detail = refused.json()["detail"]
        assert "needs_moderation" in detail and "answered" in detail, detail  # what blocks it, and what was asked
        after = http.get(f"/api/v1/appeals/{appeal['id']}").json()
        assert after["status"] == "needs_moderation"
        assert after["replies"] == [] and after["deliveries"] == before["deliveries"]
        assert len(after["history"]) == len(before["history"])


def test_interim_replies_racing_on_an_assigned_appeal_all_land(live_server: str, staff_team: StaffTeam) -> None:
    headers = staff_team.headers("admin")
    with httpx.Client(base_url=live_server, headers=headers, timeout=30) as http:
        appeal = _appeal_in(http, "assigned")

    def reply(_: int) -> httpx.Response:
        with httpx.Client(base_url=live_server, headers=headers, timeout=30) as own:
            return own.post(f"/api/v1/appeals/{appeal['id']}/replies", json=REPLY)

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        responses = list(pool.map(reply, range(RACERS)))

    assert [r.status_code for r in responses] == [201] * RACERS, [r.text for r in responses if r.status_code != 201]
    with httpx.Client(base_url=live_server, headers=headers, timeout=30) as http:
        after = http.get(f"/api/v1/appeals/{appeal['id']}").json()
    assert after["status"] == "answered"
    assert len(after["replies"]) == RACERS
    # One status move (the first reply), not one per reply: the others find the appeal answered already.
    moves = [e for e in after["history"] if e["type"] == "status_changed" and e["to_status"] == "answered"]
    assert len(moves) == 1, moves
