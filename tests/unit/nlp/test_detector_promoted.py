"""Nothing is lost: a message the detector judged «not an appeal» and a moderator promoted is a positive of the
detector's next training (`otklik model train` reads it through `training_history`)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from otklik.nlp.training import CORRECTION_WEIGHT, appeal_training_set
from otklik.services.context import ServiceContext
from otklik.services.learning import training_history
from staff_support import StaffTeam

pytestmark = pytest.mark.db

CHATTER_LIKE = "ахаха ну вы даёте)) весело тут у вас"  # a moderator may see a thread's complaint in it


def test_a_promoted_message_is_learned_as_an_appeal(
    ctx: ServiceContext, client: TestClient, staff_team: StaffTeam
) -> None:
    body = {
        "channel": "vk",
        "external_id": "wall-1_5_5",
        "text": CHATTER_LIKE,
        "author": {"name": "Олег", "id": "777"},
        "created_at": "2026-11-27T10:00:00+03:00",
    }
    judged = client.post("/api/v1/messages", json=body, headers=staff_team.gateway)
    assert judged.status_code == 202, judged.text
    decision = judged.json()
    assert decision["appeal_id"] is None, "judged «not an appeal»"
    url = f"/api/v1/moderation/not-appeals/{decision['message_id']}/promote"
    promoted = client.post(url, json={"reason": "жалоба"}, headers=staff_team.headers("regmod"))
    assert promoted.status_code == 201, promoted.text

    history = training_history(ctx)
    assert history.promoted == [CHATTER_LIKE]
    texts, labels, weights = appeal_training_set(history.promoted)
    assert (texts[-1], labels[-1], weights[-1]) == (CHATTER_LIKE, "appeal", CORRECTION_WEIGHT)
    assert texts.count(CHATTER_LIKE) == 1, "the promoted text is not in the shipped corpus: it is new evidence"


def test_empty_promotions_add_nothing() -> None:
    base = appeal_training_set()
    texts, labels, weights = appeal_training_set(["", "   ", "<br>"])
    assert (len(texts), len(labels), len(weights)) == (len(base[0]), len(base[1]), len(base[2]))
