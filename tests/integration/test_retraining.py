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

OLD_PRACTICE = [
    "Шлагбаум на въезде во двор сломан, не открывается",
    "Шлагбаум во дворе не поднимается уже неделю",
    "Сломанный шлагбаум перекрыл проезд во двор",
    "Шлагбаум у дома не работает, скорая не проедет",
]
NEW_PRACTICE = ["Шлагбаум во дворе опять сломан, не открывается", "Шлагбаум на въезде во двор снова не работает"]


def test_retraining_follows_the_current_routing_practice(
    client: TestClient, ctx: ServiceContext, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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

    monkeypatch.setenv("OTKLIK_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["model", "train", "--out", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "1 corrections, 6 routes" in result.output
    models = joblib.load(tmp_path / "current" / MODEL_FILE)
    assert isinstance(models, EngineModels) and models.router is not None
    assert models.info["corrections"] == 1
    query = models.featurizer.transform([clean_text("Шлагбаум во дворе сломан и не открывается")])
    # 4 old decisions against 2 new: with equal weights (OTKLIK_ROUTE_HALF_LIFE_DAYS=1e9) this says «transport»
    assert models.router.predict(query)[0] == "housing-inspection"
