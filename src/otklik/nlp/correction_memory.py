"""Memory of people's corrections: the next message that is nearly the same text gets the corrected answer at once.

The models learn corrections only when retrained (`otklik model train`); until then a moderator would fix the same
message again and again. The memory keeps the corrected cases (group/topic corrections, people's assignments and
redirects) as unit vectors in the engine's TF-IDF space and is consulted before the models: above the similarity
threshold the remembered answer wins, and the explanation says so. Bounded: the oldest cases leave first.
Fed by a service (services/learning.py) when a correction is stored, and from the database's history on start.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from otklik.nlp.features import Featurizer

DEFAULT_CAPACITY = 5_000
DEFAULT_THRESHOLD = 0.8  # cosine on char + lemma TF-IDF: a reworded copy of the same complaint, not the same topic
SAME_CASE = 0.98  # a new correction this close replaces the remembered one (a newer decision about the same text)


@dataclass(frozen=True)
class RememberedCase:
    text: str
    group: str | None = None
    topic: str | None = None
    agency_label: str | None = None  # an agency id, or «@municipality» (the administration of the place)

    def merged(self, newer: RememberedCase) -> RememberedCase:
        """The newer decision wins field by field; what it leaves open keeps the older answer."""
        return replace(
            self,
            text=newer.text,
            group=newer.group or self.group,
            topic=newer.topic if newer.group else self.topic,
            agency_label=newer.agency_label or self.agency_label,
        )


@dataclass(frozen=True)
class Recall:
    case: RememberedCase
    similarity: float

    def explain(self) -> str:
        return f"похоже на исправленное людьми обращение (сходство {self.similarity:.2f}): «{_snippet(self.case.text)}»"


def _snippet(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Snapshot:
    keys: tuple[int, ...]
    cases: tuple[RememberedCase, ...]
    matrix: sp.csr_matrix | None  # one unit row per case


def _unit(rows: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ rows, dtype=np.float32)


class CorrectionMemory:
    """Nearest corrected case by cosine similarity; safe to read from many threads while one writes."""

    def __init__(
        self, featurizer: Featurizer, *, capacity: int = DEFAULT_CAPACITY, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._featurizer = featurizer
        self.capacity = capacity
        self.threshold = threshold
        self._cases: OrderedDict[int, tuple[RememberedCase, sp.csr_matrix]] = OrderedDict()
        self._next_key = 0
        self._lock = threading.Lock()
        self._snapshot = _Snapshot((), (), None)

    def __len__(self) -> int:
        return len(self._snapshot.cases)

    def remember(
        self,
        text: str,
        *,
        group: str | None = None,
        topic: str | None = None,
        agency_label: str | None = None,
    ) -> None:
        """Keep one corrected case; a case for the same text (or nearly) is updated instead of added twice."""
        if not text.strip() or not (group or agency_label):
            return
        vector = _unit(self._featurizer.transform([text]))
        case = RememberedCase(text, group, topic if group else None, agency_label)
        with self._lock:
            nearest = self._nearest(vector, self._snapshot)
            if nearest is not None and nearest[1] >= SAME_CASE:
                old, _ = self._cases.pop(self._snapshot.keys[nearest[0]])
                case = old.merged(case)
            self._add([(case, vector)])

    def remember_many(self, cases: Iterable[tuple[str, str | None, str | None, str | None]]) -> int:
        """Many (text, group, topic, agency label) cases at once, oldest first, vectorised in one batch (the
        history on start). The same text twice is merged, the newer decision winning; returns the cases kept."""
        fresh: dict[str, RememberedCase] = {}
        for text, group, topic, label in cases:
            if not text.strip() or not (group or label):
                continue
            case = RememberedCase(text, group, topic if group else None, label)
            fresh[text] = fresh.pop(text).merged(case) if text in fresh else case
        kept = list(fresh.values())[-self.capacity :]
        if not kept:
            return 0
        vectors = _unit(self._featurizer.transform([c.text for c in kept]))
        with self._lock:
            self._add([(case, vectors[i]) for i, case in enumerate(kept)])
        return len(kept)

    def clear(self) -> None:
        with self._lock:
            self._cases.clear()
            self._snapshot = _Snapshot((), (), None)

    def _add(self, cases: list[tuple[RememberedCase, sp.csr_matrix]]) -> None:
        """Append under the lock, drop the oldest beyond the capacity, publish a new snapshot for readers."""
        for case, vector in cases:
            self._cases[self._next_key] = (case, vector)
            self._next_key += 1
        while len(self._cases) > self.capacity:
            self._cases.popitem(last=False)
        self._snapshot = _Snapshot(
            tuple(self._cases),
            tuple(c for c, _ in self._cases.values()),
            sp.vstack([v for _, v in self._cases.values()], format="csr"),
        )

    def recall(self, text: str) -> Recall | None:
        """The remembered case nearest to the text, when it is at least as close as the threshold."""
        snapshot = self._snapshot
        if snapshot.matrix is None or not text.strip():
            return None
        found = self._nearest(_unit(self._featurizer.one(text)), snapshot)
        if found is None or found[1] < self.threshold:
            return None
        return Recall(snapshot.cases[found[0]], round(found[1], 4))

    @staticmethod
    def _nearest(vector: sp.csr_matrix, snapshot: _Snapshot) -> tuple[int, float] | None:
        """(position in the snapshot, cosine) of the nearest case."""
        if snapshot.matrix is None:
            return None
        similarities = np.asarray((snapshot.matrix @ vector.T).todense()).ravel()
        best = len(similarities) - 1 - int(similarities[::-1].argmax())  # the newest of equally close cases
        return best, float(similarities[best])
