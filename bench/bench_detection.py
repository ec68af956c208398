"""Appeal detection measured apart for long letters, short real complaints, comment-thread replies and short noise.

Run: .venv/bin/python bench/bench_detection.py [--test-share 0.2] [--spb PATH] [--recipe current|baseline]
                                              [--threshold 0.3]
                                              [--dev bench/data/kostroma/dev.jsonl]
One detector is trained here on the training side of every split, with the production recipe (`appeal_corpus`);
`--recipe baseline` trains the recipe before short complaints were added (letters + first sentences + seeds
against 2ch/pikabu + short noise, all weight 1) on the same splits, for before/after figures.
Splits (none of the test texts is seen in training):
- (a) long letters: Kursk appeals by document (an appeal and its first sentence stay together), against held-out
  2ch/pikabu comments;
- (b) short real complaints: the SPb texts `corpora.is_spb_held_out` keeps out of the shipped sample (one distinct
  text in five, read from the shared zip), against the held-out comments of at most 200 characters;
- (c) comment-thread replies (`data/nlp/comment_replies.tsv`): one in four by a hash of the text held out —
  false-positive rate on the chatter, recall on the complaints;
- (d) short noise: phrases written here, not in the shipped noise list;
- (e) the Kostroma dev set (`bench/data/kostroma/dev.jsonl`, when present): the detector trained here with the
  service's rules (non-public channels are appeals, texts without words are not).
Prints `name: value unit` lines.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score

from otklik.nlp import corpora
from otklik.nlp.detector import APPEAL_THRESHOLD, is_public
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.problem_cues import CuedHead
from otklik.nlp.text.lemmas import words
from otklik.nlp.text.normalize import clean_text, has_cyrillic
from otklik.nlp.training import NOISE_WEIGHT, AppealSources, appeal_corpus, first_sentences, train_appeal_head

ROOT = Path(__file__).resolve().parents[1]
SPB = ROOT / ".." / "shared" / "data" / "appeals-spb" / "appeals.csv.zip"
DEV = ROOT / "bench" / "data" / "kostroma" / "dev.jsonl"
SPB_TEST_ROWS = 1000
SHORT_CHARS = 200

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


def split(items: Sequence[str], share: float, rng: random.Random) -> tuple[list[str], list[str]]:
    shuffled = list(items)
    rng.shuffle(shuffled)
    cut = int(len(shuffled) * share)
    return shuffled[cut:], shuffled[:cut]


def _reply_held_out(text: str) -> bool:
    return hashlib.sha1(text.encode("utf-8")).digest()[0] % 4 == 0


def spb_held_out(path: Path, limit: int) -> list[str]:
    """Short SPb texts of the held-out fifth, cleaned and filtered as the shipped sample was, by SHA-1 order."""
    with zipfile.ZipFile(path) as archive, archive.open("appeals.csv") as raw:
        texts = {clean_text(row["text"].replace("\ufffc", " ")) for row in csv.DictReader(io.TextIOWrapper(raw))}
    shipped = set(corpora.spb_short_appeals())
    chosen = sorted(
        t
        for t in texts
        if 12 <= len(t) <= SHORT_CHARS
        and has_cyrillic(t)
        and "XXXX" not in t.upper()
        and corpora.is_spb_held_out(t)
        and t not in shipped
    )
    return sorted(chosen, key=lambda t: hashlib.sha1(t.encode("utf-8")).hexdigest())[:limit]


def baseline_corpus(src: AppealSources) -> tuple[list[str], list[str], np.ndarray]:
    """The recipe before this change: letters, first sentences, seeds vs comments and noise."""
    positives = [*src.letters, *first_sentences(src.letters), *src.seeds]
    negatives = list(src.comments)
    texts = positives + negatives + list(src.noise)
    labels = ["appeal"] * len(positives) + ["chatter"] * (len(negatives) + len(src.noise))
    weights = np.array([1.0] * (len(positives) + len(negatives)) + [NOISE_WEIGHT] * len(src.noise))
    return texts, labels, weights


def report(name: str, truth: np.ndarray, predicted: np.ndarray) -> None:
    print(f"{name}_rows: {len(truth)} rows")
    print(f"{name}_f1: {f1_score(truth, predicted, zero_division=0):.3f}")
    print(f"{name}_precision: {precision_score(truth, predicted, zero_division=0):.3f}")
    print(f"{name}_recall: {recall_score(truth, predicted, zero_division=0):.3f}")


class Scorer:
    def __init__(self, featurizer: Featurizer, head: LinearHead) -> None:
        self.featurizer, self.head = featurizer, head
        self.appeal = int(np.searchsorted(head.classes_, "appeal"))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        x = self.featurizer.transform(list(texts))
        p = self.head.proba_texts(x, texts) if isinstance(self.head, CuedHead) else self.head.proba(x)
        return np.asarray(p[:, self.appeal])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--test-share", type=float, default=0.2)
    parser.add_argument("--spb", type=Path, default=SPB)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--recipe", choices=("current", "baseline"), default="current")
    parser.add_argument("--threshold", type=float, default=APPEAL_THRESHOLD)
    args = parser.parse_args()
    rng = random.Random(20240601)
    letters = [r[corpora.KURSK_TEXT] for r in corpora.kursk_rows() if r[corpora.KURSK_TEXT]]
    comments = [t for t, _ in corpora.comments() if t]
    letters_train, letters_test = split(letters, args.test_share, rng)
    comments_train, comments_test = split(comments, args.test_share, rng)
    replies = corpora.comment_replies()
    replies_test = [r for r in replies if _reply_held_out(r.text)]
    sources = AppealSources(
        letters=letters_train,
        short_appeals=corpora.spb_short_appeals(),
        replies=[r for r in replies if not _reply_held_out(r.text)],
        comments=comments_train,
        noise=corpora.short_noise(),
        seeds=[e.text for e in corpora.seed_examples()],
    )
    texts, labels, weights = appeal_corpus(sources) if args.recipe == "current" else baseline_corpus(sources)
    started = time.perf_counter()
    featurizer = Featurizer()
    x = featurizer.fit_transform(texts)
    head: LinearHead
    if args.recipe == "current":
        head = train_appeal_head(x, texts, labels, weights)
    else:
        head = LinearHead(c=0.5, calibration_folds=2).fit(x, labels, weights)
    print(f"recipe: {args.recipe}")
    print(f"train_rows: {len(texts)} rows")
    print(f"train_time: {time.perf_counter() - started:.1f} s")
    cut = args.threshold
    print(f"appeal_threshold: {cut}")
    if isinstance(head, CuedHead):
        appeal = int(np.searchsorted(head.classes_, "appeal"))
        towards = head.cue_coef_[:, appeal] - head.cue_coef_[:, 1 - appeal]
        for name, weight in zip(head.cues.names, towards, strict=True):
            print(f"cue_weight: {weight:+.2f} {name}")
    score = Scorer(featurizer, head)
    comment_p = score(comments_test)

    # (a) long letters (and, as before, their first sentences) against held-out chatter
    test_pos = letters_test + first_sentences(letters_test)
    p = np.concatenate([score(test_pos), comment_p])
    truth = np.array([1] * len(test_pos) + [0] * len(comments_test))
    print(f"heldout_f1: {f1_score(truth, (p >= cut).astype(int)):.3f}")
    letters_p = p[: len(letters_test)]
    for text in [t for t, q in zip(comments_test, comment_p, strict=True) if q >= cut][:8]:
        print(f"comment_false_positive_example: {text[:100]}")
    report(
        "long_letters",
        np.array([1] * len(letters_test) + [0] * len(comments_test)),
        (np.concatenate([letters_p, comment_p]) >= cut).astype(int),
    )

    # (b) short real complaints against short held-out chatter
    if args.spb.exists():
        spb_test = spb_held_out(args.spb, SPB_TEST_ROWS)
        short_comments = [i for i, t in enumerate(comments_test) if len(t) <= SHORT_CHARS]
        spb_p = score(spb_test)
        report(
            "short_complaints",
            np.array([1] * len(spb_test) + [0] * len(short_comments)),
            (np.concatenate([spb_p, comment_p[short_comments]]) >= cut).astype(int),
        )
        missed = [t for t, q in zip(spb_test, spb_p, strict=True) if q < cut][:5]
        for text in missed:
            print(f"short_complaint_missed_example: {text[:100]}")
    else:
        print(f"short_complaints: skipped ({args.spb} not found)")

    # (c) replies of comment threads held out
    reply_truth = np.array([int(r.label == "appeal") for r in replies_test])
    reply_pred = (score([r.text for r in replies_test]) >= cut).astype(int)
    report("thread_replies", reply_truth, reply_pred)
    chatter = reply_truth == 0
    print(f"thread_chatter_false_positive_rate: {reply_pred[chatter].mean():.3f} ({int(chatter.sum())} rows)")
    for reply, predicted in zip(replies_test, reply_pred, strict=True):
        if predicted != int(reply.label == "appeal"):
            print(f"thread_reply_wrong_example: {reply.label}: {reply.text}")

    # (d) short noise
    noise_p = score(HELD_OUT_NOISE)
    flagged = [t for t, q in zip(HELD_OUT_NOISE, noise_p, strict=True) if q >= cut]
    print(f"short_noise_false_positives: {len(flagged)} of {len(HELD_OUT_NOISE)}")
    for text in flagged:
        print(f"short_noise_false_positive_example: {text}")

    if args.dev.exists():
        dev_set(args.dev, score, cut)
    else:
        print(f"kostroma_dev: skipped ({args.dev} not found)")


def dev_set(path: Path, score: Scorer, cut: float) -> None:
    """(e) The detector trained here, with the service's rules (channels, texts without words), on the dev set."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    truth = np.array([int(bool(r["is_appeal"])) for r in rows])
    texts = [clean_text(r["text"]) for r in rows]
    p = score(texts)
    predicted = np.array(
        [
            int(not is_public(r.get("channel")) or (bool(words(t)) and q >= cut))
            for r, t, q in zip(rows, texts, p, strict=True)
        ]
    )
    print(f"kostroma_dev_appeal_accuracy: {(truth == predicted).mean():.3f} ({len(rows)} rows)")
    report("kostroma_dev", truth, predicted)
    public = np.array([is_public(r.get("channel")) for r in rows])
    print(f"kostroma_dev_public_accuracy: {(truth[public] == predicted[public]).mean():.3f} ({public.sum()} rows)")
    for r, t, q, y in zip(rows, texts, p, predicted, strict=True):
        if y != int(bool(r["is_appeal"])):
            print(f"kostroma_dev_wrong_example: {r['is_appeal']} {q:.2f}: {t[:100]}")


if __name__ == "__main__":
    main()
