"""Quality of a text classifier: accuracy, macro/weighted F1, per-class report, K-fold cross-validation."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, f1_score
from sklearn.model_selection import KFold, StratifiedKFold

from otklik.nlp.linear import SEED


@dataclass(frozen=True)
class Scores:
    accuracy: float
    macro_f1: float
    weighted_f1: float
    report: str

    def lines(self) -> list[str]:
        return [
            f"accuracy: {self.accuracy:.3f}",
            f"macro_f1: {self.macro_f1:.3f}",
            f"weighted_f1: {self.weighted_f1:.3f}",
        ]


def score(truth: Sequence[str], predicted: Sequence[str]) -> Scores:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Scores(
            float(accuracy_score(truth, predicted)),
            float(f1_score(truth, predicted, average="macro", zero_division=0)),
            float(f1_score(truth, predicted, average="weighted", zero_division=0)),
            str(classification_report(truth, predicted, zero_division=0)),
        )


def read_labelled_csv(path: Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels of rows where both are present; a clear error for a missing column."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for column in (text_column, label_column):
            if column not in columns:
                raise ValueError(f"column {column!r} not in {path.name}; columns: {', '.join(columns)}")
        rows = [(r[text_column] or "", (r[label_column] or "").strip()) for r in reader]
    kept = [(t, label) for t, label in rows if t.strip() and label]
    return [t for t, _ in kept], [label for _, label in kept]


def read_fine_labels(path: Path, text_column: str, label_column: str, fine_column: str) -> list[str]:
    """The `fine_column` of the rows `read_labelled_csv` keeps (same order); empty values stay ""."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if fine_column not in (reader.fieldnames or []):
            raise ValueError(f"column {fine_column!r} not in {path.name}")
        rows = [(r[text_column] or "", (r[label_column] or "").strip(), (r[fine_column] or "").strip()) for r in reader]
    return [fine for t, label, fine in rows if t.strip() and label]


Predictor = Callable[[Sequence[str]], Sequence[str]]
Trainer = Callable[[Sequence[str], Sequence[str]], Predictor]
FineTrainer = Callable[[Sequence[str], Sequence[str], Sequence[str]], Predictor]  # + finer labels of the rows


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    train: Trainer | FineTrainer,
    folds: int = 5,
    *,
    fine_labels: Sequence[str] | None = None,
    on_fold: Callable[[], None] | None = None,
) -> Scores:
    """Out-of-fold predictions of `train` (fit → predict function), scored once over all rows.

    With `fine_labels`, `train` is a `FineTrainer` and gets them for the training rows of each fold only.
    `on_fold` is called after each fold (a progress bar).
    """
    y = np.asarray(labels, dtype=object)
    _, counts = np.unique(y.astype(str), return_counts=True)
    splitter = (
        StratifiedKFold(folds, shuffle=True, random_state=SEED)
        if counts.min() >= folds
        else KFold(folds, shuffle=True, random_state=SEED)
    )
    predicted = np.empty(len(y), dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        splits = list(splitter.split(np.zeros(len(y)), y.astype(str)))
    for train_index, test_index in splits:
        predicted[test_index] = _fold_predictions(texts, y, train, train_index, test_index, fine_labels)
        if on_fold is not None:
            on_fold()
    return score([str(v) for v in y], [str(v) for v in predicted])


def _fold_predictions(
    texts: Sequence[str],
    y: np.ndarray,
    train: Trainer | FineTrainer,
    train_index: np.ndarray,
    test_index: np.ndarray,
    fine_labels: Sequence[str] | None,
) -> list[str]:
    if len(set(y[train_index])) < 2:
        return [str(y[train_index][0])] * len(test_index)
    fold_texts, fold_labels = [texts[i] for i in train_index], [str(v) for v in y[train_index]]
    if fine_labels is None:
        predict = cast(Trainer, train)(fold_texts, fold_labels)
    else:
        predict = cast(FineTrainer, train)(fold_texts, fold_labels, [fine_labels[i] for i in train_index])
    return [str(v) for v in predict([texts[i] for i in test_index])]
