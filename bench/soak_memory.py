"""Where a worker's memory goes in a soak: the understanding and the incident signal run in this process on the
soak's own texts (bench_soak: 500 generated texts, each made unique by its appeal tag), and every so many messages
the process's RSS and the fill of every bounded cache of the product (`functools.lru_cache`: size / cap).

A leak grows with every message; a cache grows until it reaches its cap and then stays. Prints `name: value unit`
lines per step and a table of the caches at the end; then what the word caches cost when full of one-off words
(`--words`). Bounded by `--count` and `--words`; no database, no network.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from messages import make_messages
from soak_probes import rss_mb

BATCH = 50  # messages understood together, as a worker's batch


def product_caches() -> dict[str, Any]:
    """Every lru_cache-wrapped function of the loaded otklik modules, by qualified name."""
    found: dict[str, Any] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("otklik"):
            continue
        for attribute, value in vars(module).items():
            if callable(value) and hasattr(value, "cache_info") and getattr(value, "__module__", "") == name:
                found[f"{name}.{attribute}"] = value
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000, help="messages to understand (bounded)")
    parser.add_argument("--step", type=int, default=2_000, help="messages between printed samples")
    parser.add_argument("--words", type=int, default=100_000, help="one-off words for the lemma caches' cost")
    args = parser.parse_args()

    from otklik.nlp.analyze import Message, analyze_messages
    from otklik.nlp.factory import build_understanding
    from otklik.reference.files import load_reference
    from otklik.services.incidents import _place_and_words  # the incident linking's per-text cache

    understanding = build_understanding(load_reference())
    texts = make_messages(500, seed=23)
    signal: Callable[[str | None, str], object] = _place_and_words
    print(f"soak_memory_rss_after_load: {rss_mb([_self()]):.0f} MB", flush=True)
    for start in range(0, args.count, BATCH):
        batch = [f"{texts[i % len(texts)]} Обращение soak-{i}." for i in range(start, min(start + BATCH, args.count))]
        for result in analyze_messages(understanding, [Message(t, "vk") for t in batch]):
            signal(_address(result["location"]), result["masked_text"])
        done = min(start + BATCH, args.count)
        if done % args.step == 0:
            print(f"soak_memory_rss_at_{done:06d}: {rss_mb([_self()]):.0f} MB", flush=True)
    print(f"{'cache':<70}  {'size':>8}  {'cap':>8}")
    for name, function in sorted(product_caches().items()):
        info = function.cache_info()
        print(f"{name:<70}  {info.currsize:>8}  {info.maxsize!s:>8}")
    one_off_words(args.words)


def one_off_words(count: int) -> None:
    """What the word caches cost when full: `count` Cyrillic words seen once each (surnames, typos, a stream's
    one-off words) through `lemma` and `grammemes`, the caches the soak fills by one entry a message."""
    import random

    from otklik.nlp.text.lemmas import grammemes, lemma

    lemma.cache_clear()
    grammemes.cache_clear()
    before = rss_mb([_self()])
    rng = random.Random(1)
    letters = "абвгдежзийклмнопрстуфхцчшщыэюя"
    for _ in range(count):
        word = "".join(rng.choice(letters) for _ in range(8))
        lemma(word)
        grammemes(word)
    grown = rss_mb([_self()]) - before
    print(f"soak_memory_one_off_words: {lemma.cache_info().currsize} count")
    print(f"soak_memory_one_off_words_cost: {grown:.0f} MB")
    print(f"soak_memory_per_one_off_word: {grown * 1024 * 1024 / max(count, 1):.0f} B")


def _address(location: dict[str, Any]) -> str | None:
    """The appeal's address as registration stores it: settlement, street, house — when a street is known."""
    if not location.get("street"):
        return None
    return ", ".join(str(location[k]) for k in ("settlement", "street", "house") if location.get(k))


def _self() -> int:
    import os

    return os.getpid()


if __name__ == "__main__":
    main()
