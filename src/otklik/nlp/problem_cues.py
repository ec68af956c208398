"""Problem cues: a small lexicon of how people name a problem («нет воды», «яма», «вырубка», «сколько можно»).

Each cue of `data/nlp/problem_words.csv` is one binary feature that the appeal detector's linear model weighs
next to the n-grams — evidence, not a rule: «нет света» in «нет света в конце тоннеля» only adds its learned
weight. The cues give the model a few dense features shared by thousands of ways of writing the same complaint,
which the sparse n-grams of short texts cannot carry. See docs/detection.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from otklik.nlp.linear import LinearHead, softmax
from otklik.nlp.triggers import TriggerIndex

_CHARS = 5000  # cues are looked for in the beginning of a text, like the urgency lexicon


def fold(text: str) -> str:
    return text[:_CHARS].lower().replace("ё", "е")


class ProblemCues:
    """Named regular expressions over the folded text; `matrix` gives one 0/1 column per cue.

    Each cue has trigger substrings, one of which every match contains: the regular expression runs only on texts
    that hold a trigger (all triggers are found in one pass, `nlp/triggers.py`), which keeps the cues at a few
    microseconds per message.
    """

    def __init__(self, cues: Sequence[tuple[str, Sequence[str], str]]) -> None:
        self.source = [(pattern, tuple(triggers), name) for pattern, triggers, name in cues]
        self._compile()

    def _compile(self) -> None:
        self.names = [name for _, _, name in self.source]
        self._patterns = [(re.compile(pattern), triggers) for pattern, triggers, _ in self.source]
        self._index = TriggerIndex([triggers for _, triggers, _ in self.source])

    def __len__(self) -> int:
        return len(self._patterns)

    def __getstate__(self) -> dict[str, object]:
        return {"source": self.source}  # stored models keep the lexicon's text; patterns compile on load

    def __setstate__(self, state: dict[str, list[tuple[str, tuple[str, ...], str]]]) -> None:
        self.source = state["source"]
        self._compile()

    def found(self, text: str) -> list[int]:
        folded = fold(text)
        return [i for i in self._index.candidates(folded) if self._patterns[i][0].search(folded)]

    def matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        rows, cols = [], []
        for row, text in enumerate(texts):
            for col in self.found(text):
                rows.append(row)
                cols.append(col)
        data = np.ones(len(rows), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(self)), dtype=np.float32)


class CuedHead(LinearHead):
    """A LinearHead over the shared features plus the problem cues.

    Fitted on [features | cues]; the weights are then split so that `coef_` covers the shared features only (the
    featurizer scores the batch with it, as for any head) and `cue_coef_` the cues, added per text.
    """

    def __init__(self, cues: ProblemCues, c: float = 0.5, calibration_folds: int = 3) -> None:
        super().__init__(c=c, calibration_folds=calibration_folds)
        self.cues = cues
        self.cue_coef_: np.ndarray = np.zeros((0, 0), dtype=np.float32)

    def fit_with_cues(
        self, x: sp.csr_matrix, texts: Sequence[str], labels: Sequence[str], weights: np.ndarray | None = None
    ) -> CuedHead:
        n = x.shape[1]
        super().fit(sp.hstack([x, self.cues.matrix(texts)], format="csr"), labels, weights)
        self.cue_coef_ = np.ascontiguousarray(self.coef_[n:])
        self.coef_ = np.ascontiguousarray(self.coef_[:n])
        return self

    def cue_scores(self, text: str) -> tuple[np.ndarray, list[int]]:
        """The cues' share of the scores for one text, and which cues were found."""
        found = self.cues.found(text)
        return np.asarray(self.cue_coef_[found].sum(axis=0), dtype=np.float64), found

    def proba_with_cues(self, feature_scores: np.ndarray, cue_part: np.ndarray) -> np.ndarray:
        """Probabilities from the featurizer's scores of a text plus its cues' share."""
        return np.asarray(softmax((feature_scores + cue_part)[None, :], self.temperature_)[0])

    def proba_texts(self, x: sp.csr_matrix, texts: Sequence[str]) -> np.ndarray:
        """Batch probabilities (bench and tests): shared features x plus the cues of texts."""
        scores = self.scores(x) + np.asarray(self.cues.matrix(texts) @ self.cue_coef_, dtype=np.float64)
        return softmax(scores, self.temperature_)
