"""A calibrated linear classifier on sparse features: LinearSVC scores turned into probabilities.

The scores are calibrated by one softmax temperature fitted on out-of-fold scores (a fixed-seed K-fold),
so the model stays a single weight matrix: fast to apply and easy to explain (weight × feature value).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVC

SEED = 20240601
_MISSING_SCORE = -5.0  # score of a class absent from a training fold


def _fit_svc(x: sp.csr_matrix, y: np.ndarray, weights: np.ndarray | None, c: float) -> LinearSVC:
    model = LinearSVC(C=c, random_state=SEED, max_iter=3000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x, y, sample_weight=weights)
    return model


def _scores_in(model: LinearSVC, x: sp.csr_matrix, classes: np.ndarray) -> np.ndarray:
    """Decision scores of a fold model placed in the columns of all classes."""
    raw = model.decision_function(x)
    if raw.ndim == 1:
        raw = np.column_stack([-raw / 2, raw / 2])
    full = np.full((x.shape[0], len(classes)), _MISSING_SCORE, dtype=np.float64)
    full[:, np.searchsorted(classes, model.classes_)] = raw
    return full


def _folds(y: np.ndarray, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    _, counts = np.unique(y, return_counts=True)
    splitter: KFold | StratifiedKFold
    if counts.min() >= k:
        splitter = StratifiedKFold(k, shuffle=True, random_state=SEED)
    else:
        splitter = KFold(k, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(y)), y))


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit_temperature(scores: np.ndarray, target: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of the true classes."""

    def nll(log_t: float) -> float:
        p = softmax(scores, float(np.exp(log_t)))[np.arange(len(target)), target]
        return float(-np.log(np.clip(p, 1e-9, 1.0)).mean())

    result = minimize_scalar(nll, bounds=(-5.0, 3.0), method="bounded")
    return float(np.exp(result.x))


class LinearHead:
    """Classes, a weight matrix and a temperature; `proba` and `contributions` for explanations."""

    def __init__(self, c: float = 0.5, calibration_folds: int = 3) -> None:
        self.c = c
        self.calibration_folds = calibration_folds
        self.classes_: np.ndarray = np.array([])
        self.coef_: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.intercept_: np.ndarray = np.zeros(0)
        self.temperature_: float = 1.0

    def fit(self, x: sp.csr_matrix, labels: Sequence[str], weights: np.ndarray | None = None) -> LinearHead:
        y = np.asarray(labels, dtype=object).astype(str)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("training needs at least two distinct labels")
        target = np.searchsorted(self.classes_, y)
        oof = np.zeros((len(y), len(self.classes_)))
        folds = []
        if self.calibration_folds >= 2:
            folds = [(tr, te) for tr, te in _folds(y, self.calibration_folds) if len(np.unique(y[tr])) >= 2]
        # liblinear releases the GIL: the fold models and the final model train in parallel threads
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            final_job = pool.submit(_fit_svc, x, y, weights, self.c)
            fold_jobs = [
                (te, pool.submit(_fit_svc, x[tr], y[tr], None if weights is None else weights[tr], self.c))
                for tr, te in folds
            ]
            for test, job in fold_jobs:
                oof[test] = _scores_in(job.result(), x[test], self.classes_)
            final = final_job.result()
        self.temperature_ = fit_temperature(oof, target) if folds else 1.0
        coef = final.coef_ if len(self.classes_) > 2 else np.vstack([-final.coef_[0] / 2, final.coef_[0] / 2])
        icpt = final.intercept_ if len(self.classes_) > 2 else np.array([-final.intercept_[0], final.intercept_[0]]) / 2
        # features × classes, dense: a sparse batch times a dense matrix is the fastest product here
        self.coef_ = np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)
        self.intercept_ = np.asarray(icpt, dtype=np.float64)
        return self

    def scores(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef_, dtype=np.float64) + self.intercept_

    def proba(self, x: sp.csr_matrix) -> np.ndarray:
        return softmax(self.scores(x), self.temperature_)

    def predict(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self.classes_[self.scores(x).argmax(axis=1)])

    def word_weights(self, offset: int) -> np.ndarray:
        """Dense weights of the features from `offset` on (the lemma features), cached for explanations."""
        cached = getattr(self, "_word_weights", None)
        if cached is None or cached[0] != offset:
            cached = (offset, np.ascontiguousarray(self.coef_[offset:], dtype=np.float32))
            self._word_weights = cached
        return cached[1]

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_word_weights", None)
        return state
