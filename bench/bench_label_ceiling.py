"""How far the Kursk labels can be predicted from the text at all: evidence for the ceiling of bench_classification.

Run: .venv/bin/python bench/bench_label_ceiling.py   (≈ 1 min on 2 cores)

Three measurements, each printed as `name: value unit` lines:
1. Near-duplicates: pairs of texts (cosine ≥ 0.9 on the engine's features, each text with its nearest other text)
   and how often the two carry the same label. Even these near-identical complaints disagree.
2. Twin topics: two Тематика in different Категория that describe the same thing (street lighting of a road vs
   «неработающее наружное освещение»; potholes on a road vs on a pavement). A classifier trained on just the pair
   is compared with always answering the larger one: equal means the text does not tell them apart.
3. Export order: the executor of the same complaint depends on where the row sits in the export (`id`), not on the
   text — in ids 1826–2397 the city administration is the executor of most Kursk-city complaints, elsewhere its
   committees are. The same SVM with the row's export block as an extra feature shows how much of the executor is
   that. This is a diagnostic, never a model: the export order is not a property of an appeal.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from otklik.nlp import corpora
from otklik.nlp.evaluation import SEED
from otklik.nlp.features import Featurizer
from otklik.nlp.text.normalize import clean_text

TARGETS = {"Категория": "category", "Тематика": "topic", "Ответственное лицо": "executor"}
TWINS = {
    "lighting": (
        "Освещение дорог в границах городских округов и сельских поселений",
        "Неработающее наружное освещение",
    ),
    "potholes": (
        "Нарушение дорожного покрытия (ямы)  на дорогах в границах городских округов и сельских поселений",
        "Ямы и выбоины на тротуарах",
    ),
}
CITY_ADMINISTRATION = "Администрация города Курска"
REGIME_IDS = (1826, 2397)  # the stretch of the export where the city administration is the usual executor
EXPORT_BLOCKS = 10


def near_duplicates(texts: Sequence[str], labels: dict[str, np.ndarray]) -> None:
    x = normalize(Featurizer().fit_transform(texts))
    similarity = (x @ x.T).toarray()
    np.fill_diagonal(similarity, 0.0)
    nearest, best = similarity.argmax(axis=1), similarity.max(axis=1)
    pairs = {tuple(sorted((i, int(nearest[i])))) for i in np.flatnonzero(best >= 0.9)}
    print(f"near_duplicate_pairs: {len(pairs)} pairs")
    for target, slug in TARGETS.items():
        same = sum(labels[target][i] == labels[target][j] for i, j in pairs)
        print(f"near_duplicate_label_agreement_{slug}: {same / max(len(pairs), 1):.3f}")


def twin_topics(texts: Sequence[str], topics: np.ndarray) -> None:
    for name, pair in TWINS.items():
        rows = np.flatnonzero(np.isin(topics, pair))
        y = topics[rows]
        x = Featurizer().fit_transform([texts[i] for i in rows])
        folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
        predicted = cross_val_predict(LinearSVC(C=0.5, random_state=0), x, y, cv=folds)
        majority = max(np.mean(y == pair[0]), np.mean(y == pair[1]))
        print(f"twin_{name}_rows: {len(rows)} rows")
        print(f"twin_{name}_classifier_accuracy: {np.mean(predicted == y):.3f}")
        print(f"twin_{name}_majority_accuracy: {majority:.3f}")


def export_order(texts: Sequence[str], executors: np.ndarray, ids: np.ndarray) -> None:
    inside = (ids >= REGIME_IDS[0]) & (ids <= REGIME_IDS[1])
    share_inside = np.mean(executors[inside] == CITY_ADMINISTRATION)
    print(f"city_administration_share_ids_{REGIME_IDS[0]}_{REGIME_IDS[1]}: {share_inside:.3f}")
    print(f"city_administration_share_other_ids: {np.mean(executors[~inside] == CITY_ADMINISTRATION):.3f}")
    blocks = np.minimum(ids * EXPORT_BLOCKS // (ids.max() + 1), EXPORT_BLOCKS - 1)
    order = sp.csr_matrix(np.eye(EXPORT_BLOCKS, dtype=np.float32)[blocks])
    for name, extra in (("text_only", None), ("text_and_export_block", order)):
        predicted = np.empty(len(texts), dtype=object)
        for train, test in KFold(5, shuffle=True, random_state=SEED).split(texts):
            featurizer = Featurizer()
            x_train = featurizer.fit_transform([texts[i] for i in train])
            x_test = featurizer.transform([texts[i] for i in test])
            if extra is not None:
                x_train, x_test = sp.hstack([x_train, extra[train]]).tocsr(), sp.hstack([x_test, extra[test]]).tocsr()
            model = LinearSVC(C=0.5, random_state=0).fit(x_train, executors[train])
            predicted[test] = model.predict(x_test)
        print(f"executor_svm_{name}_accuracy: {np.mean(predicted == executors):.3f}")


def main() -> None:
    warnings.simplefilter("ignore")
    rows = [r for r in corpora.kursk_rows() if r[corpora.KURSK_TEXT]]
    texts = [clean_text(r[corpora.KURSK_TEXT]) for r in rows]
    labels = {target: np.array([r[target].strip() for r in rows]) for target in TARGETS}
    print(f"rows: {len(rows)} rows")
    near_duplicates(texts, labels)
    twin_topics(texts, labels["Тематика"])
    export_order(texts, labels["Ответственное лицо"], np.array([int(r["id"]) for r in rows]))


if __name__ == "__main__":
    main()
