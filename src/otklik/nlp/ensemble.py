"""The generic text classifier (`otklik model train/evaluate`): a probability ensemble with an optional hierarchy.

Members, probabilities averaged with fixed weights:
- calibrated LinearSVC on the shared char + lemma TF-IDF (`LinearHead`), weight 0.6;
- complement naive Bayes on the same TF-IDF (strong on small classes), weight 0.2;
- logistic regression on navec mean word vectors (`embeddings.py`), weight 0.2 (skipped without natasha).

Hierarchy: given finer labels for the training rows (e.g. Kursk «Тематика» for «Категория») where every fine label
belongs to exactly one label, a second ensemble is trained on the fine labels and its probabilities summed per label
are averaged with the direct ones. Everything is fitted on the rows given (inside each CV fold); fixed seeds.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB

from otklik.nlp import embeddings
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.text.normalize import clean_text

SVC_WEIGHT, NB_WEIGHT, EMBEDDING_WEIGHT = 0.6, 0.2, 0.2
NB_ALPHA = 0.1
EMBEDDING_C = 30.0
HIERARCHY_WEIGHT = 0.5  # share of the fine model's marginal in the final probabilities


def _in_columns(proba: np.ndarray, own: np.ndarray, classes: np.ndarray) -> np.ndarray:
    full = np.zeros((proba.shape[0], len(classes)))
    full[:, np.searchsorted(classes, own)] = proba
    return full


@dataclass
class TextEnsemble:
    featurizer: Featurizer
    svc: LinearHead
    nb: ComplementNB
    embedding: LogisticRegression | None
    classes_: np.ndarray
    fine: TextEnsemble | None = None
    fine_to_class: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # fine class → class index

    def _own_proba(self, cleaned: Sequence[str]) -> np.ndarray:
        x = self.featurizer.transform(cleaned)
        nb = _in_columns(self.nb.predict_proba(x), self.nb.classes_, self.classes_)
        p = SVC_WEIGHT * self.svc.proba(x) + NB_WEIGHT * nb
        if self.embedding is not None:
            e = self.embedding.predict_proba(embeddings.mean_vectors(cleaned))
            p += EMBEDDING_WEIGHT * _in_columns(e, self.embedding.classes_, self.classes_)
        else:
            p /= SVC_WEIGHT + NB_WEIGHT
        return np.asarray(p)

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        cleaned = [clean_text(t) for t in texts]
        p = self._own_proba(cleaned)
        if self.fine is not None:
            fine = self.fine._own_proba(cleaned)
            marginal = np.zeros_like(p)
            np.add.at(marginal.T, self.fine_to_class, fine.T)
            p = (1 - HIERARCHY_WEIGHT) * p + HIERARCHY_WEIGHT * marginal
        return p

    def predict(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        return [str(v) for v in self.classes_[self.proba(texts).argmax(axis=1)]]


def _fit_members(featurizer: Featurizer, cleaned: Sequence[str], y: np.ndarray, c: float) -> TextEnsemble:
    x = featurizer.transform(cleaned)
    svc = LinearHead(c=c, calibration_folds=3).fit(x, list(y))
    nb = ComplementNB(alpha=NB_ALPHA).fit(x, y)
    embedding = None
    if embeddings.available():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            embedding = LogisticRegression(C=EMBEDDING_C, max_iter=2000).fit(embeddings.mean_vectors(cleaned), y)
    return TextEnsemble(featurizer, svc, nb, embedding, svc.classes_)


def _functional(fine: Sequence[str], labels: Sequence[str]) -> dict[str, str] | None:
    """fine label → label when every fine label has exactly one label, else None."""
    mapping: dict[str, str] = {}
    for f, label in zip(fine, labels, strict=True):
        if mapping.setdefault(f, label) != label:
            return None
    return mapping


def train_ensemble(
    texts: Sequence[str], labels: Sequence[str], *, fine_labels: Sequence[str] | None = None, c: float = 1.0
) -> TextEnsemble:
    """The ensemble on the given rows; with `fine_labels` that determine the labels, the hierarchy as well."""
    cleaned = [clean_text(t) for t in texts]
    y = np.asarray(labels, dtype=object).astype(str)
    featurizer = Featurizer().fit(cleaned)
    model = _fit_members(featurizer, cleaned, y, c)
    if fine_labels is not None:
        fine_y = np.asarray(fine_labels, dtype=object).astype(str)
        mapping = _functional(list(fine_y), list(y))
        if mapping is not None and len(set(fine_y)) > len(model.classes_):
            fine = _fit_members(featurizer, cleaned, fine_y, c)
            model.fine = fine
            model.fine_to_class = np.searchsorted(model.classes_, [mapping[str(f)] for f in fine.classes_])
    return model
