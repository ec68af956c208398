"""Answers before they go out: how many real answers the checker flags, how fast, and how well it finds «отписки».

Run: .venv/bin/python bench/bench_answer_quality.py [--sample 3000]
Samples first official answers of the St Petersburg portal (`../shared/data/appeals-spb/appeals.csv.zip`, fixed
seed, bounded count), checks each with its appeal text and address, and prints the share flagged per code and the
speed on one core. Precision/recall of `is_formulaic` are measured on the hand-labelled
`src/otklik/data/nlp/answer_quality_labelled.tsv`: on all rows, and on the held-out rows labelled after the rules
were frozen (the rows above them were used to write the lexicons, so their figures are optimistic).
Prints `name: value unit` lines.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time
import zipfile
from collections import Counter
from pathlib import Path

from otklik.nlp.answer_quality import FORMULAIC_THRESHOLD, check_answer
from otklik.nlp.corpora import nlp_dir

SPB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "appeals-spb" / "appeals.csv.zip"
HELD_OUT_MARK = "# held-out"
SEED = 20261128


def labelled_rows() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(all rows, held-out rows) of the labelled set as (label, appeal_text, answer)."""
    rows: list[tuple[str, str, str]] = []
    held_out: list[tuple[str, str, str]] = []
    in_held_out = False
    lines = (nlp_dir() / "answer_quality_labelled.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if line.startswith(HELD_OUT_MARK):
            in_held_out = True
        if not line or line.startswith("#") or line.startswith("label\t"):
            continue
        label, appeal, answer = line.split("\t")
        rows.append((label, appeal, answer))
        if in_held_out:
            held_out.append((label, appeal, answer))
    return rows, held_out


def precision_recall(rows: list[tuple[str, str, str]], threshold: float) -> tuple[float, float]:
    tp = fp = fn = 0
    for label, appeal, answer in rows:
        predicted = check_answer(answer, appeal_text=appeal).score >= threshold
        actual = label == "formulaic"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def sample_answers(count: int) -> list[dict[str, str]]:
    with zipfile.ZipFile(SPB) as archive, archive.open("appeals.csv") as raw:
        rows = [r for r in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")) if r["answer"].strip()]
    return random.Random(SEED).sample(rows, min(count, len(rows)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=3000)
    args = parser.parse_args()

    rows, held_out = labelled_rows()
    print(f"labelled_rows: {len(rows)} rows")
    print(f"labelled_formulaic: {sum(r[0] == 'formulaic' for r in rows)} rows")
    print(f"held_out_rows: {len(held_out)} rows")
    for threshold in (0.3, 0.4, FORMULAIC_THRESHOLD, 0.6, 0.7):
        precision, recall = precision_recall(rows, threshold)
        print(f"precision_at_{threshold:.1f}: {precision:.3f} ratio")
        print(f"recall_at_{threshold:.1f}: {recall:.3f} ratio")
    precision, recall = precision_recall(held_out, FORMULAIC_THRESHOLD)
    print(f"held_out_precision: {precision:.3f} ratio")
    print(f"held_out_recall: {recall:.3f} ratio")

    sample = sample_answers(args.sample)
    check_answer("Работы выполнены.", appeal_text="прогрев кэшей")  # the analyser loads once, outside the timing
    codes: Counter[str] = Counter()
    formulaic = 0
    started = time.perf_counter()
    for row in sample:
        check = check_answer(
            row["answer"], appeal_text=row["text"], address=row["address"] or None, topic=row["reason"], public=True
        )
        codes.update(check.codes)
        formulaic += check.is_formulaic
    elapsed = time.perf_counter() - started
    print(f"sampled_answers: {len(sample)} answers")
    print(f"share_formulaic: {formulaic / len(sample):.3f} ratio")
    for code in ("no_action", "no_date", "no_responsible", "off_subject", "personal_data"):
        print(f"share_{code}: {codes[code] / len(sample):.3f} ratio")
    print(f"speed: {len(sample) / elapsed:.0f} answers/s")
    print(f"mean_latency: {elapsed / len(sample) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
