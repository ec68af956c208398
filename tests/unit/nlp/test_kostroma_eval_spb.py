"""The SPb corpus as a second evaluation: split by distinct text, figures beside the published ones, the CLI."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from otklik.cli.main import app
from otklik.nlp.corpus_spb import PUBLISHED, SpbAppeal, evaluate_spb, fit_tfidf_baseline, read_spb, split_by_text

SAMPLE = Path(__file__).parent / "spb_sample" / "appeals_sample.csv"


def test_the_split_never_puts_one_text_on_both_sides() -> None:
    rows = read_spb(SAMPLE)
    twice = [*rows, *rows]  # every text now repeats
    train, test = split_by_text(twice)
    assert {r.text for r in train}.isdisjoint({r.text for r in test})
    assert 0.1 < len({r.text for r in test}) / len({r.text for r in rows}) < 0.3  # about one distinct text in five


def test_figures_are_measured_and_printed_beside_the_published_ones() -> None:
    figures = evaluate_spb(read_spb(SAMPLE), fit_tfidf_baseline)
    assert figures.train_rows + figures.test_rows == 360
    assert 0.5 < figures.category.accuracy <= 1.0  # four categories: far above chance (0.25) on short texts
    assert 0.0 <= figures.executor_oracle <= 1.0
    lines = dict(line.split(": ", 1) for line in figures.lines())
    assert lines["spb_category_published_xgboost_tfidf_accuracy"] == f"{PUBLISHED[0][1]:.3f}"
    assert float(lines["spb_category_accuracy"]) == pytest.approx(figures.category.accuracy, abs=5e-4)


def test_a_file_without_the_columns_is_refused_with_their_names(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nЯма,Дороги\n", encoding="utf-8")
    with pytest.raises(ValueError, match="category"):
        read_spb(bad)


def test_cli_evaluates_the_spb_corpus_from_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "appeals.csv.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(SAMPLE, "appeals.csv")
    result = CliRunner().invoke(
        app, ["model", "evaluate", "--corpus", "spb", "--data", str(archive), "--recipe", "tfidf"]
    )
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert int(lines["spb_test_rows"].split()[0]) > 0
    assert 0.5 < float(lines["spb_category_accuracy"]) <= 1.0


def test_cli_names_an_unknown_recipe_and_a_wrong_corpus(tmp_path: Path) -> None:
    runner = CliRunner()
    wrong_recipe = runner.invoke(app, ["model", "evaluate", "--corpus", "spb", "--data", str(SAMPLE), "--recipe", "x"])
    assert wrong_recipe.exit_code != 0 and "engine" in wrong_recipe.output
    wrong_corpus = runner.invoke(app, ["model", "evaluate", "--corpus", "kursk", "--data", str(SAMPLE)])
    assert wrong_corpus.exit_code != 0 and "spb" in wrong_corpus.output


def test_rows_without_text_or_labels_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category", "reason", "district", "executor"])
        writer.writerow(["  Яма  у\nдома ", "Благоустройство", "Ямы", "Невский", ""])
        writer.writerow(["", "Благоустройство", "Ямы", "Невский", ""])
        writer.writerow(["Течёт крыша", "Кровля", "", "Невский", ""])
    assert read_spb(path) == [SpbAppeal("Яма у дома", "Благоустройство", "Ямы", "Невский", "")]
