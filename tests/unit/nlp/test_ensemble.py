"""The generic classifier: navec vectors from the natasha wheel, the ensemble, the hierarchy, CV with fine labels."""

from __future__ import annotations

import pickle
from collections.abc import Sequence

import numpy as np

from otklik.nlp import embeddings
from otklik.nlp.ensemble import train_ensemble
from otklik.nlp.evaluation import Predictor, cross_validate

_TOPICS = {
    "pothole": ("roads", "глубокая яма на дороге возле дома {i}, колесо пробито"),
    "snow": ("roads", "дорогу не чистят от снега {i}, гололёд и сугробы"),
    "hot_water": ("housing", "нет горячей воды в квартире {i} уже неделю"),
    "heating": ("housing", "холодные батареи в доме {i}, отопление не включили"),
    "dogs": ("animals", "стая бездомных собак {i} нападает на детей"),
}


def _rows() -> tuple[list[str], list[str], list[str]]:
    texts, groups, topics = [], [], []
    for i in range(8):
        for topic, (group, template) in _TOPICS.items():
            texts.append(template.format(i=i))
            groups.append(group)
            topics.append(topic)
    return texts, groups, topics


def test_navec_vectors_come_from_the_natasha_wheel() -> None:
    assert embeddings.navec_path() is not None and embeddings.available()
    vectors = embeddings.mean_vectors(["яма на дороге", "яма на дороге", "qwxzy", ""])
    assert vectors.shape == (4, embeddings.DIM)
    assert np.allclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-5) and np.allclose(vectors[0], vectors[1])
    assert not vectors[2].any() and not vectors[3].any()  # unknown words and empty text: zeros


def test_ensemble_with_hierarchy_predicts_and_pickles() -> None:
    texts, groups, topics = _rows()
    model = train_ensemble(texts, groups, fine_labels=topics)
    assert model.fine is not None and model.embedding is not None
    assert [str(model.classes_[i]) for i in model.fine_to_class] == ["animals", "housing", "housing", "roads", "roads"]
    p = model.proba(["огромная яма на дороге", "в квартире нет горячей воды"])
    assert np.allclose(p.sum(axis=1), 1.0)
    assert model.predict(["огромная яма на дороге", "в квартире нет горячей воды", "собаки кусают детей"]) == [
        "roads",
        "housing",
        "animals",
    ]
    again = pickle.loads(pickle.dumps(model))
    assert again.predict(["холодные батареи"]) == model.predict(["холодные батареи"])


def test_fine_labels_that_cross_labels_are_ignored() -> None:
    texts, groups, topics = _rows()
    crossing = ["mixed" if g == "roads" or t == "hot_water" else t for g, t in zip(groups, topics, strict=True)]
    assert train_ensemble(texts, groups, fine_labels=crossing).fine is None


def test_cross_validation_hands_fine_labels_of_training_rows_only() -> None:
    texts, groups, topics = _rows()
    seen: list[int] = []

    def trainer(fold_texts: Sequence[str], labels: Sequence[str], fine: Sequence[str]) -> Predictor:
        assert len(fine) == len(fold_texts) == len(labels)
        seen.append(len(fine))
        return train_ensemble(fold_texts, labels, fine_labels=fine).predict

    folds_done: list[int] = []
    scores = cross_validate(texts, groups, trainer, 4, fine_labels=topics, on_fold=lambda: folds_done.append(len(seen)))
    assert seen == [30, 30, 30, 30] and scores.accuracy >= 0.9
    assert folds_done == [1, 2, 3, 4]  # the progress callback runs after each fold's model, once per fold
