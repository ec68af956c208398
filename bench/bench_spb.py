"""The St Petersburg portal appeals as a second corpus: our figures beside the published ones (SOURCE.md).

Run: .venv/bin/python bench/bench_spb.py [--data ../shared/data/appeals-spb/appeals.csv.zip]
                                         [--recipes engine,tfidf] [--limit N]
Split by distinct text (`otklik.nlp.corpus_spb.split_by_text`: one distinct text in five on the test side, every
copy of a text on one side). Recipes: `engine` (char + lemma TF-IDF and a linear SVM per task: the recipe of the
engine's group/topic models), `tfidf` (word TF-IDF + LinearSVC baseline), `ensemble` (the `otklik model train`
ensemble with the reason hierarchy — slow; use --limit). Prints `name: value unit` lines, prefixed by the recipe.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from otklik.nlp.corpus_spb import RECIPES, evaluate_spb, read_spb

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "appeals-spb" / "appeals.csv.zip"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--recipes", default="engine,tfidf")
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows (0: all)")
    args = parser.parse_args()
    rows = read_spb(args.data)
    if args.limit:
        rows = rows[: args.limit]
    print(f"spb_rows: {len(rows)} rows")
    for recipe in args.recipes.split(","):
        started = time.perf_counter()
        figures = evaluate_spb(rows, RECIPES[recipe])
        for line in figures.lines():
            if "_published_" in line and recipe != args.recipes.split(",")[0]:
                continue  # the published figures once
            print(line if "_published_" in line else f"{recipe}_{line}")
        print(f"{recipe}_spb_time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
