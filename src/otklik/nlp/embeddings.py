"""Russian word vectors: navec (250K words × 300d, quantised) shipped inside the natasha wheel — no download.

Used by the generic classifier (`otklik model train/evaluate`) as a dense block next to the TF-IDF models.
Without natasha installed every function degrades to «no vectors» (zeros), so training still works.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import util
from pathlib import Path
from typing import Any

import numpy as np

from otklik.nlp.text.lemmas import words

DIM = 300
NAVEC_FILE = "navec_news_v1_1B_250K_300d_100q.tar"
_LOCK = threading.Lock()
_NAVEC: list[Any] = []  # the loaded model, once


def navec_path() -> Path | None:
    spec = util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "emb" / NAVEC_FILE
    return path if path.exists() else None


def _navec() -> Any:
    with _LOCK:
        if not _NAVEC:
            path = navec_path()
            model = None
            if path is not None:
                from navec import Navec  # a dependency of natasha

                model = Navec.load(str(path))  # ≈ 0.7 s
            _NAVEC.append(model)
        return _NAVEC[0]


def available() -> bool:
    return _navec() is not None


@lru_cache(maxsize=200_000)
def word_vector(word: str) -> np.ndarray | None:
    model = _navec()
    if model is None or word not in model:
        return None
    return np.asarray(model[word], dtype=np.float32)


def mean_vectors(texts: Sequence[str]) -> np.ndarray:
    """The L2-normalised mean of the known word vectors of each text (zeros when none is known)."""
    result = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        found = [v for v in (word_vector(w) for w in words(text)) if v is not None]
        if found:
            mean = np.mean(found, axis=0)
            result[i] = mean / (float(np.linalg.norm(mean)) or 1.0)
    return result
