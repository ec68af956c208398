"""Appeal detection on a held-out split (appeals vs internet chatter), false positives on short noise, toxicity.

Run: .venv/bin/python bench/bench_detection.py [--test-share 0.2]
The split is by source document (a Kursk appeal and its first sentence stay on the same side). Short-noise false
positives are counted on phrases written here, not in the shipped noise list the detector trains on.
Prints `name: value unit` lines.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score

from otklik.nlp import corpora
from otklik.nlp.detector import APPEAL_THRESHOLD
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.training import NOISE_WEIGHT, first_sentences

HELD_OUT_NOISE = [
    "Подтверждаю, всё верно",
    "Сообщение удалено автором",
    "👍👍👍",
    "🔥",
    "Спасибо огромное!!!",
    "Доброй ночи всем",
    "С праздником весны!",
    "С Днём защитника Отечества!",
    "Ну и ну",
    "Хаха, класс",
    "Это точно",
    "Согласен полностью",
    "Кто со мной на рыбалку?",
    "Продам велосипед б/у",
    "Отдам котят в добрые руки",
    "Репост, пусть все знают",
    "Лайк",
    "Ок, понял",
    "Спасибо, разобрались",
    "Вопрос закрыт",
    "Здравствуйте!",
    "Как дела?",
    "Ого, красиво",
    "Фото с праздника",
    "Скидки в магазине до конца недели",
    "Подписывайтесь",
    "Ахахах",
    "))",
    "Мда",
    "Уже не надо",
]


def split(items: list[str], share: float, rng: random.Random) -> tuple[list[str], list[str]]:
    shuffled = items[:]
    rng.shuffle(shuffled)
    cut = int(len(shuffled) * share)
    return shuffled[cut:], shuffled[:cut]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--test-share", type=float, default=0.2)
    args = parser.parse_args()
    rng = random.Random(20240601)
    appeals = [r[corpora.KURSK_TEXT] for r in corpora.kursk_rows() if r[corpora.KURSK_TEXT]]
    comments = [t for t, _ in corpora.comments() if t]
    appeals_train, appeals_test = split(appeals, args.test_share, rng)
    comments_train, comments_test = split(comments, args.test_share, rng)
    positives = appeals_train + first_sentences(appeals_train)
    noise = corpora.short_noise()
    texts = positives + comments_train + noise
    labels = ["appeal"] * len(positives) + ["chatter"] * (len(comments_train) + len(noise))
    weights = np.array([1.0] * (len(positives) + len(comments_train)) + [NOISE_WEIGHT] * len(noise))
    started = time.perf_counter()
    featurizer = Featurizer()
    head = LinearHead(c=0.5, calibration_folds=2).fit(featurizer.fit_transform(texts), labels, weights)
    print(f"train_time: {time.perf_counter() - started:.1f} s")
    test_pos = appeals_test + first_sentences(appeals_test)
    test = test_pos + comments_test
    truth = np.array([1] * len(test_pos) + [0] * len(comments_test))
    appeal = int(np.searchsorted(head.classes_, "appeal"))
    scores = head.proba(featurizer.transform(test))[:, appeal]
    for threshold in (0.3, 0.4):
        print(f"heldout_f1_at_{threshold}: {f1_score(truth, (scores >= threshold).astype(int)):.3f}")
    predicted = (scores >= APPEAL_THRESHOLD).astype(int)
    print(f"appeal_threshold: {APPEAL_THRESHOLD}")
    print(f"heldout_rows: {len(test)} rows")
    print(f"heldout_f1: {f1_score(truth, predicted):.3f}")
    print(f"heldout_precision: {precision_score(truth, predicted):.3f}")
    print(f"heldout_recall: {recall_score(truth, predicted):.3f}")
    full_only = np.array([1] * len(appeals_test) + [0] * len(comments_test))
    full_pred = np.concatenate([predicted[: len(appeals_test)], predicted[len(test_pos) :]])
    print(f"heldout_f1_full_texts_only: {f1_score(full_only, full_pred):.3f}")
    noise_p = head.proba(featurizer.transform(HELD_OUT_NOISE))[:, appeal]
    flagged = [t for t, p in zip(HELD_OUT_NOISE, noise_p, strict=True) if p >= APPEAL_THRESHOLD]
    print(f"short_noise_false_positives: {len(flagged)} of {len(HELD_OUT_NOISE)}")
    for text in flagged:
        print(f"short_noise_false_positive_example: {text}")
    toxicity(rng, args.test_share)


def toxicity(rng: random.Random, share: float) -> None:
    rows = [(t, toxic) for t, toxic in corpora.comments() if t]
    rng.shuffle(rows)
    cut = int(len(rows) * share)
    train, test = rows[cut:], rows[:cut]
    featurizer = Featurizer()
    x = featurizer.fit_transform([t for t, _ in train])
    head = LinearHead(c=0.3, calibration_folds=2).fit(x, ["toxic" if y else "clean" for _, y in train])
    index = int(np.searchsorted(head.classes_, "toxic"))
    p = head.proba(featurizer.transform([t for t, _ in test]))[:, index]
    truth = np.array([int(y) for _, y in test])
    for threshold in (0.5, 0.75):
        print(f"toxicity_heldout_f1_at_{threshold}: {f1_score(truth, (p >= threshold).astype(int)):.3f}")
        print(f"toxicity_heldout_precision_at_{threshold}: {precision_score(truth, (p >= threshold).astype(int)):.3f}")


if __name__ == "__main__":
    main()
