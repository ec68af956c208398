"""The models' cache key follows the code that trains them, not only the data (docs/understanding.md)."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

from otklik.nlp import model_store


def _copy_of_the_package(tmp_path: Path) -> Path:
    code = tmp_path / "nlp"
    shutil.copytree(Path(model_store.__file__).parent, code, ignore=shutil.ignore_patterns("__pycache__"))
    return code


def test_a_changed_training_weight_changes_the_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _copy_of_the_package(tmp_path)
    monkeypatch.setattr(model_store, "__file__", str(code / "model_store.py"))
    same = model_store.data_fingerprint()
    training = code / "training.py"
    training.write_text(training.read_text(encoding="utf-8") + "\nCOMMENT_WEIGHT_NOTE = 3.0\n", encoding="utf-8")
    assert model_store.data_fingerprint() != same


def test_code_outside_training_does_not_rebuild_the_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _copy_of_the_package(tmp_path)
    monkeypatch.setattr(model_store, "__file__", str(code / "model_store.py"))
    same = model_store.data_fingerprint()
    explain = code / "explain.py"
    explain.write_text(explain.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert model_store.data_fingerprint() == same


def test_the_engine_default_threshold_is_the_settings_default() -> None:
    """Benches and tools that build the engine without settings route as the service does."""
    from otklik.nlp.factory import build_understanding
    from otklik.settings import Settings

    default = inspect.signature(build_understanding).parameters["auto_assign_threshold"].default
    assert default == Settings.model_fields["auto_assign_threshold"].default
