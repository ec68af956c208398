"""The St Petersburg portal appeals (../shared/data/appeals-spb) as a second corpus for `otklik model evaluate`.

Split by distinct text: a text (whitespace folded) goes to the test side when `corpora.is_spb_held_out` says so —
one distinct text in five, the same fifth the shipped training sample never contains — so no text is on both sides,
however often it repeats. Tasks, as in the corpus' SOURCE.md:
- category (15 classes): accuracy and macro-F1, beside the published figures (which were measured on a split that
  let near-duplicates into both sides);
- reason (125 fine topics, each under one category): accuracy and macro-F1 (no published figure);
- executor (rows that have one): from the text alone, and «topic × place» — the most frequent executor of the
  predicted reason in the appeal's district on the training side (the routing signal SOURCE.md measures at 81.6 %
  with the true reason on the whole dump; `executor_oracle` is that table with the true reason, on the test side).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from otklik.nlp.corpora import is_spb_held_out
from otklik.nlp.ensemble import train_ensemble
from otklik.nlp.evaluation import Scores, score
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import SEED, LinearHead
from otklik.nlp.text.normalize import clean_text

COLUMNS = ("text", "category", "reason", "district", "executor")
# The repository's README, «Evaluation», 15 categories (SOURCE.md): (model, accuracy, macro-F1).
PUBLISHED = (
    ("xgboost_tfidf", 0.917, 0.815),
    ("distilbert", 0.923, 0.793),
    ("distilbert_relabelled", 0.940, 0.925),
)


@dataclass(frozen=True)
class SpbAppeal:
    text: str
    category: str
    reason: str
    district: str
    executor: str  # "" when the portal names none


def _rows(handle: Iterable[str], source: str) -> list[SpbAppeal]:
    reader = csv.DictReader(handle)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{source}: no column {', '.join(missing)}; columns: {', '.join(reader.fieldnames or [])}")
    kept = []
    for row in reader:
        text = " ".join((row["text"] or "").split())
        if text and row["category"] and row["reason"]:
            kept.append(
                SpbAppeal(
                    text,
                    row["category"].strip(),
                    row["reason"].strip(),
                    row["district"].strip(),
                    row["executor"].strip(),
                )
            )
    return kept


def read_spb(path: Path) -> list[SpbAppeal]:
    """Rows with a text, a category and a reason, from `appeals.csv.zip` (its one CSV) or a plain CSV."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv")]
            if len(names) != 1:
                raise ValueError(f"{path.name}: expected one .csv inside, found {len(names)}")
            with archive.open(names[0]) as raw:
                return _rows(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), path.name)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return _rows(handle, path.name)


def split_by_text(rows: Sequence[SpbAppeal]) -> tuple[list[SpbAppeal], list[SpbAppeal]]:
    """(train, test): every copy of a text on the same side, one distinct text in five on the test side."""
    train: list[SpbAppeal] = []
    test: list[SpbAppeal] = []
    for row in rows:
        (test if is_spb_held_out(row.text) else train).append(row)
    return train, test


Predict = Callable[[Sequence[str]], Sequence[str]]
# texts, {task: labels of those texts} → {task: predict}; every task's labels are given for all training texts
# except the executor's, which may be "" (rows without one are left out of that task's training).
Fit = Callable[[Sequence[str], dict[str, Sequence[str]]], dict[str, Predict]]


def fit_engine_recipe(texts: Sequence[str], tasks: dict[str, Sequence[str]]) -> dict[str, Predict]:
    """The recipe of the engine's own group and topic models: one char + lemma TF-IDF `Featurizer` shared by one
    linear SVM per task (labels only, no calibration); the featurizer is fitted and applied once for all tasks."""
    cleaned = [clean_text(t) for t in texts]
    featurizer = Featurizer()
    x = featurizer.fit_transform(cleaned)
    predictors: dict[str, Predict] = {}
    for task, labels in tasks.items():
        rows = [i for i, label in enumerate(labels) if label]
        head = LinearHead(calibration_folds=0).fit(x[rows], [labels[i] for i in rows])
        predictors[task] = _head_predict(featurizer, head)
    return predictors


def _head_predict(featurizer: Featurizer, head: LinearHead) -> Predict:
    def predict(batch: Sequence[str]) -> list[str]:
        return [str(v) for v in head.predict(featurizer.transform([clean_text(t) for t in batch]))]

    return predict


def fit_ensemble(texts: Sequence[str], tasks: dict[str, Sequence[str]]) -> dict[str, Predict]:
    """The trainer of `otklik model train` (SVM + naive Bayes + word vectors; category with the reason hierarchy).
    Much slower: meant for a `--limit`ed run."""
    model = train_ensemble(texts, tasks["category"], fine_labels=tasks["reason"])
    fine = model.fine if model.fine is not None else train_ensemble(texts, tasks["reason"])
    rows = [i for i, label in enumerate(tasks["executor"]) if label]
    executor = train_ensemble([texts[i] for i in rows], [tasks["executor"][i] for i in rows])
    return {"category": model.predict, "reason": fine.predict, "executor": executor.predict}


def fit_tfidf_baseline(texts: Sequence[str], tasks: dict[str, Sequence[str]]) -> dict[str, Predict]:
    """Plain word TF-IDF + LinearSVC, the usual baseline (the published XGBoost also runs on TF-IDF)."""
    predictors: dict[str, Predict] = {}
    for task, labels in tasks.items():
        rows = [i for i, label in enumerate(labels) if label]
        model = make_pipeline(TfidfVectorizer(sublinear_tf=True), LinearSVC(random_state=SEED))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit([texts[i] for i in rows], [labels[i] for i in rows])
        predictors[task] = _pipeline_predict(model)
    return predictors


def _pipeline_predict(model: Pipeline) -> Predict:
    return lambda batch: [str(v) for v in model.predict(list(batch))]


RECIPES: dict[str, Fit] = {"engine": fit_engine_recipe, "ensemble": fit_ensemble, "tfidf": fit_tfidf_baseline}


@dataclass(frozen=True)
class SpbFigures:
    train_rows: int
    test_rows: int
    category: Scores
    reason: Scores
    executor_text: Scores  # the text alone, on test rows with an executor
    executor_reason_district: float  # predicted reason × district → the training side's most frequent executor
    executor_oracle: float  # the same table with the true reason

    def lines(self) -> list[str]:
        lines = [f"spb_train_rows: {self.train_rows} rows", f"spb_test_rows: {self.test_rows} rows"]
        for name, scores in (("category", self.category), ("reason", self.reason)):
            lines += [f"spb_{name}_accuracy: {scores.accuracy:.3f}", f"spb_{name}_macro_f1: {scores.macro_f1:.3f}"]
        for model, accuracy, macro_f1 in PUBLISHED:
            lines += [
                f"spb_category_published_{model}_accuracy: {accuracy:.3f}",
                f"spb_category_published_{model}_macro_f1: {macro_f1:.3f}",
            ]
        lines += [
            f"spb_executor_text_accuracy: {self.executor_text.accuracy:.3f}",
            f"spb_executor_reason_district_accuracy: {self.executor_reason_district:.3f}",
            f"spb_executor_oracle_reason_district_accuracy: {self.executor_oracle:.3f}",
        ]
        return lines


def _executor_table(rows: Iterable[SpbAppeal]) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """The most frequent executor of each (reason, district) and, as fallback, of each reason."""
    by_pair: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_reason: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.executor:
            by_pair[(row.reason, row.district)][row.executor] += 1
            by_reason[row.reason][row.executor] += 1
    pick = {key: counts.most_common(1)[0][0] for key, counts in by_pair.items()}
    fallback = {key: counts.most_common(1)[0][0] for key, counts in by_reason.items()}
    return pick, fallback


def _table_accuracy(
    table: tuple[dict[tuple[str, str], str], dict[str, str]], rows: Sequence[SpbAppeal], reasons: Sequence[str]
) -> float:
    pick, fallback = table
    right = sum(
        pick.get((reason, row.district), fallback.get(reason, "")) == row.executor
        for row, reason in zip(rows, reasons, strict=True)
    )
    return right / len(rows) if rows else 0.0


def evaluate_spb(rows: Sequence[SpbAppeal], fit: Fit = fit_engine_recipe) -> SpbFigures:
    """Train on the training side with `fit`, score on the test side."""
    train, test = split_by_text(rows)
    if not train or not test:
        raise ValueError(f"the split left {len(train)} training and {len(test)} test rows; need both")
    tasks: dict[str, Sequence[str]] = {
        "category": [r.category for r in train],
        "reason": [r.reason for r in train],
        "executor": [r.executor for r in train],
    }
    predict = fit([r.text for r in train], tasks)
    texts = [r.text for r in test]
    predict_category, predict_reason, predict_executor = predict["category"], predict["reason"], predict["executor"]
    reasons = [str(v) for v in predict_reason(texts)]
    with_executor = [(r, reason) for r, reason in zip(test, reasons, strict=True) if r.executor]
    executor_rows = [r for r, _ in with_executor]
    table = _executor_table(train)
    return SpbFigures(
        len(train),
        len(test),
        score([r.category for r in test], [str(v) for v in predict_category(texts)]),
        score([r.reason for r in test], reasons),
        score([r.executor for r in executor_rows], [str(v) for v in predict_executor([r.text for r in executor_rows])]),
        _table_accuracy(table, executor_rows, [reason for _, reason in with_executor]),
        _table_accuracy(table, executor_rows, [r.reason for r in executor_rows]),
    )
