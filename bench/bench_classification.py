"""5-fold CV on the Kursk appeals: our classifier vs a plain TF-IDF + LinearSVC baseline, same folds, same run.

Run: .venv/bin/python bench/bench_classification.py [--folds 5] [--targets Категория,...] [--variants svm,ours]
Prints `name: value unit` lines. Variants: `baseline` (always), `svm` (our calibrated-free LinearSVC on char + lemma
TF-IDF alone, the engine's trainer before the ensemble), `ensemble` (SVM + complement NB + navec word vectors), `ours`
(the generic trainer as `otklik model train` builds it: the ensemble, plus the Тематика hierarchy for Категория —
the fine labels of the training rows of each fold only).
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable, Sequence

from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from otklik.nlp import corpora
from otklik.nlp.ensemble import train_ensemble
from otklik.nlp.evaluation import Scores, cross_validate
from otklik.nlp.text.normalize import clean_text
from otklik.nlp.training import train_text_model

TARGETS = {"Категория": ("weighted_f1", 0.85), "Тематика": ("accuracy", 0.60), "Ответственное лицо": ("accuracy", 0.55)}
FINE = {"Категория": "Тематика"}  # each Тематика belongs to exactly one Категория
Predict = Callable[[Sequence[str]], Sequence[str]]


def svm(texts: Sequence[str], labels: Sequence[str]) -> Predict:
    featurizer, head = train_text_model(texts, labels, calibrate=False)  # labels only
    return lambda batch: [str(v) for v in head.predict(featurizer.transform([clean_text(t) for t in batch]))]


def ensemble(texts: Sequence[str], labels: Sequence[str]) -> Predict:
    return train_ensemble(texts, labels).predict


def ours(texts: Sequence[str], labels: Sequence[str], fine: Sequence[str]) -> Predict:
    return train_ensemble(texts, labels, fine_labels=fine).predict


def baseline(texts: Sequence[str], labels: Sequence[str]) -> Predict:
    model = make_pipeline(TfidfVectorizer(), LinearSVC(random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(list(texts), list(labels))
    return lambda batch: [str(v) for v in model.predict(list(batch))]


def slug(name: str) -> str:
    return {"Категория": "category", "Тематика": "topic", "Ответственное лицо": "executor"}[name]


def report(target: str, name: str, scores: Scores, seconds: float) -> None:
    for metric in ("accuracy", "macro_f1", "weighted_f1"):
        print(f"{slug(target)}_{name}_{metric}: {getattr(scores, metric):.3f}")
    print(f"{slug(target)}_{name}_cv_time: {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--variants", default="svm,ensemble,ours")
    args = parser.parse_args()
    rows = [r for r in corpora.kursk_rows() if r[corpora.KURSK_TEXT]]
    raw_texts = [r[corpora.KURSK_TEXT] for r in rows]
    print(f"rows: {len(rows)} rows")
    for target in args.targets.split(","):
        labels = [r[target].strip() for r in rows]
        metric, goal = TARGETS[target]
        fine = [r[FINE[target]].strip() for r in rows] if target in FINE else None
        results = {}
        for name in ["baseline", *args.variants.split(",")]:
            started = time.perf_counter()
            if name == "ours" and fine is not None:
                results[name] = cross_validate(raw_texts, labels, ours, args.folds, fine_labels=fine)
            else:
                trainer = {"baseline": baseline, "svm": svm, "ensemble": ensemble, "ours": ensemble}[name]
                results[name] = cross_validate(raw_texts, labels, trainer, args.folds)
            report(target, name, results[name], time.perf_counter() - started)
        value = getattr(results["ours"], metric)
        print(f"{slug(target)}_target_{metric}: {goal:.2f} (met: {'yes' if value >= goal else 'no'})")
        gain = value - getattr(results["baseline"], metric)
        print(f"{slug(target)}_gain_over_baseline_{metric}: {gain:+.3f}")


if __name__ == "__main__":
    main()
