"""Where trained models live (OTKLIK_MODEL_DIR, default ./var/models) and how they are built once and shared.

Models are keyed by a fingerprint of the shipped training data and the engine version, built at first use,
written to a temporary directory and renamed into place atomically; a lock file keeps two processes from
building at once (the second waits and loads). A `current/` directory, written by `otklik model train`
with moderators' corrections, takes precedence over the seed-built models of the same engine version.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import joblib

from otklik.nlp.corpora import nlp_dir, training_dir
from otklik.nlp.models import ENGINE_VERSION, EngineModels

MODEL_FILE = "models.joblib"  # the name is kept: joblib.load reads the plain pickle written here too
CURRENT = "current"


def model_dir(directory: Path | None = None) -> Path:
    return Path(directory or os.environ.get("OTKLIK_MODEL_DIR") or Path.cwd() / "var" / "models")


# The code that turns the data into models: a changed weight or feature there must rebuild them as a changed data
# file does (a tree built before `COMMENT_WEIGHT` moved kept serving the old models).
_TRAINING_MODULES = ("training", "features", "linear", "char_ngrams", "corpora", "problem_cues", "social_style")


def data_fingerprint() -> str:
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for root in (training_dir(), nlp_dir()):
        for path in sorted(root.iterdir()):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    code = Path(__file__).parent
    for module in _TRAINING_MODULES:
        digest.update((code / f"{module}.py").read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(directory: Path, name: str) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f".{name}.lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_atomically(obj: Any, target: Path) -> None:
    """Dump into a fresh sibling directory, then rename it to target (replacing an older one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()
    with (temporary / MODEL_FILE).open("wb") as handle:
        pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
    old = target.parent / f".old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        target.rename(old)
    temporary.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def load_model_file(path: Path) -> Any:
    """A stored model: a plain pickle (written since the speed fix), else a joblib file of an older version.

    Plain pickle because the C unpickler reads the 170,000-term vocabularies and the weight matrices 4–5 times
    faster than joblib's pure-Python one (docs/decisions-nlp.md): the CLI and every worker start on it.
    """
    with path.open("rb") as handle:
        try:
            return pickle.load(handle)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            pass  # a joblib file: its arrays follow the pickle stream in its own framing
    return joblib.load(path)


def load_or_build(directory: Path, name: str, build: Callable[[], Any]) -> Any:
    """The object stored under directory/name, built (once, under a lock) when missing."""
    path = directory / name / MODEL_FILE
    if path.exists():
        return load_model_file(path)
    with _locked(directory, name):
        if path.exists():
            return load_model_file(path)
        obj = build()
        save_atomically(obj, directory / name)
        return obj


def _compatible(models: object) -> bool:
    return isinstance(models, EngineModels) and models.info.get("engine_version") == ENGINE_VERSION


def production_models(directory: Path | None = None) -> EngineModels:
    """The models to serve: `current/` when present and compatible, else the seed models (built if needed)."""
    from otklik.nlp.training import train_production_models

    root = model_dir(directory)
    current = root / CURRENT / MODEL_FILE
    if current.exists():
        models = load_model_file(current)
        if _compatible(models):
            return models
    built = load_or_build(root, f"engine-{data_fingerprint()}", train_production_models)
    return built


def save_current(models: EngineModels, directory: Path | None = None) -> Path:
    """Store retrained models (e.g. with corrections) as the ones to serve; returns their directory."""
    target = model_dir(directory) / CURRENT
    with _locked(model_dir(directory), CURRENT):
        save_atomically(models, target)
    return target
