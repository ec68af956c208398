"""The CLI contract: `otklik analyze` (one text and JSON lines) and `otklik model train/evaluate/--cv`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from otklik.cli.main import app

OTKLIK = [str(Path(sys.executable).with_name("otklik"))]


def test_analyze_jsonl_keeps_order_and_contract() -> None:
    lines = [
        {"text": "Спасибо!", "channel": "vk"},
        {"text": "В Шарье на ул. Ленина, д. 5 огромная яма на дороге", "channel": "vk"},
        {"text": "Нет отопления в школе, дети сидят в куртках", "channel": "portal"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    done = subprocess.run([*OTKLIK, "analyze", "--jsonl"], input=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == 3
    assert [r["is_appeal"] for r in results] == [False, True, True]
    road = results[1]
    assert road["category"]["group"] == "Дороги"
    assert road["location"]["municipality"] == "Шарья" and road["location"]["house"] == "5"
    assert road["agency"]["level"] == "municipal" and road["agency"]["municipality"] == "Шарья"
    assert results[0]["agency"] is None
    assert results[2]["priority"] == "high"


def test_analyze_one_text_prints_one_object() -> None:
    result = CliRunner().invoke(app, ["analyze", "Не вывозят мусор в Буе"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["is_appeal"] and data["location"]["municipality"] == "Буй"


def _small_csv(path: Path) -> Path:
    rows = []
    for i in range(12):
        rows.append({"message": f"кошка мяукает громко {i} котёнок усы", "kind": "cats"})
        rows.append({"message": f"собака лает на почтальона {i} щенок хвост", "kind": "dogs"})
        rows.append({"message": f"рыба плавает в аквариуме {i} чешуя плавник", "kind": "fish"})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["message", "kind"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_model_train_evaluate_and_cv_on_any_csv(tmp_path: Path) -> None:
    data = _small_csv(tmp_path / "pets.csv")
    runner = CliRunner()
    columns = ["--text-column", "message", "--label-column", "kind"]
    trained = runner.invoke(app, ["model", "train", "--data", str(data), *columns, "--out", str(tmp_path / "m")])
    assert trained.exit_code == 0, trained.output
    evaluated = runner.invoke(app, ["model", "evaluate", "--model", str(tmp_path / "m"), "--data", str(data), *columns])
    assert evaluated.exit_code == 0, evaluated.output
    assert "accuracy: 1.000" in evaluated.stdout and "weighted_f1: 1.000" in evaluated.stdout
    assert "dogs" in evaluated.stdout  # the per-class report
    crossed = runner.invoke(app, ["model", "evaluate", "--data", str(data), *columns, "--cv", "3"])
    assert crossed.exit_code == 0, crossed.output
    lines = dict(line.split(": ") for line in crossed.stdout.splitlines() if line.startswith(("accuracy", "macro")))
    assert float(lines["accuracy"]) >= 0.9 and "macro_f1" in lines


def test_model_evaluate_reports_a_missing_column(tmp_path: Path) -> None:
    data = _small_csv(tmp_path / "pets.csv")
    result = CliRunner().invoke(app, ["model", "evaluate", "--data", str(data), "--text-column", "nope", "--cv", "3"])
    assert result.exit_code != 0
