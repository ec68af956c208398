"""`otklik model train` without --data: the engine retrained from the seed data plus the system's own history,
where people's recent routing decisions outweigh their old ones (the practice of who handles what changes)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import joblib
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from integration.people import route_by_hand, submit
from otklik.cli.main import app
from otklik.clock import FrozenClock, SystemClock
from otklik.nlp.model_store import MODEL_FILE
from otklik.nlp.models import EngineModels
from otklik.nlp.text.normalize import clean_text
from otklik.services.context import ServiceContext
from staff_support import StaffTeam

OLD_PRACTICE = [
    "Шлагбаум на въезде во двор сломан, не открывается",
    "Шлагбаум во дворе не поднимается уже неделю",
    "Сломанный шлагбаум перекрыл проезд во двор",
    "Шлагбаум у дома не работает, скорая не проедет",
]
NEW_PRACTICE = ["Шлагбаум во дворе опять сломан, не открывается", "Шлагбаум на въезде во двор снова не работает"]


def test_retraining_follows_the_current_routing_practice(
    client: TestClient,
    ctx: ServiceContext,
    staff_team: StaffTeam,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx.clock = FrozenClock(datetime(2024, 11, 1, 9, 0, tzinfo=UTC))
    for text in OLD_PRACTICE:
        route_by_hand(client, submit(client, text), "transport")
    ctx.clock = SystemClock()
    for text in NEW_PRACTICE:
        route_by_hand(client, submit(client, text), "housing-inspection")
    appeal = submit(client, "Во дворе поставили шлагбаум без согласия жильцов")
    fix = {"group": "ЖКХ", "topic": "Жалобы на управляющие компании"}
    assert client.post(f"/api/v1/appeals/{appeal['id']}/corrections", json=fix).is_success
    missed = {  # a real complaint in social-media shorthand that the detector takes for chatter
        "channel": "vk",
        "external_id": "wall-1_9_9",
        "created_at": "2026-11-27T10:00:00+03:00",
        "text": "нерехта опять без воды!!! сколько можно",
        "author": {"name": "Оля", "id": "99"},
    }
    judged = client.post("/api/v1/messages", json=missed, headers=staff_team.gateway).json()
    if judged["appeal_id"] is None:  # judged «not an appeal»: the moderator promotes it, and it becomes training data
        promoted = client.post(f"/api/v1/moderation/not-appeals/{judged['message_id']}/promote", json={})
        assert promoted.is_success, promoted.text

    monkeypatch.setenv("OTKLIK_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["model", "train", "--out", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "1 corrections, 6 routes" in result.output
    promoted_count = 0 if judged["appeal_id"] is not None else 1
    assert f"{promoted_count} promoted messages" in result.output
    models = joblib.load(tmp_path / "current" / MODEL_FILE)
    assert isinstance(models, EngineModels) and models.router is not None
    assert models.info["corrections"] == 1
    query = models.featurizer.transform([clean_text("Шлагбаум во дворе сломан и не открывается")])
    # 4 old decisions against 2 new: with equal weights (OTKLIK_ROUTE_HALF_LIFE_DAYS=1e9) this says «transport»
    assert models.router.predict(query)[0] == "housing-inspection"
