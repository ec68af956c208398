"""Build `src/otklik/data/training/appeals_spb_short.csv`: short real appeals of the St Petersburg portal.

Run: .venv/bin/python scripts/build_spb_detection_sample.py [path/to/appeals.csv.zip]
(default: ../shared/data/appeals-spb/appeals.csv.zip). Deterministic; see docs/detection.md («SPb sample»).

- distinct texts only, 12–200 characters after cleaning, with Cyrillic letters;
- rows the portal masked (`XXXX`) and rows where our PII finder sees anything (phones, e-mails, names, …) are
  dropped, not masked: a sample without personal data needs no further checks;
- every text whose SHA-1 bucket is 0 (one in five) is never taken: `bench/bench_detection.py` measures on them;
- of the rest, the first SAMPLE by SHA-1 order are kept.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import zipfile
from pathlib import Path

from otklik.nlp.corpora import is_spb_held_out
from otklik.nlp.pii import find_personal_data
from otklik.nlp.text.normalize import clean_text, has_cyrillic

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "data" / "appeals-spb" / "appeals.csv.zip"
TARGET = ROOT / "src" / "otklik" / "data" / "training" / "appeals_spb_short.csv"
SAMPLE = 3000
MIN_CHARS, MAX_CHARS = 12, 200


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_texts(path: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(path) as archive, archive.open("appeals.csv") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
        return [(clean_text(row["text"].replace("\ufffc", " ")), row["category"]) for row in reader]


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    seen: dict[str, str] = {}
    for text, category in read_texts(source):
        if text not in seen:
            seen[text] = category
    candidates = sorted(
        (
            (digest(t), t, c)
            for t, c in seen.items()
            if MIN_CHARS <= len(t) <= MAX_CHARS
            and has_cyrillic(t)
            and "XXXX" not in t.upper()
            and not is_spb_held_out(t)
        ),
    )
    kept = []
    for _, text, category in candidates:
        if find_personal_data(text):
            continue
        kept.append((text, category))
        if len(kept) == SAMPLE:
            break
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(kept)
    print(f"distinct texts: {len(seen)}; candidates: {len(candidates)}; written: {len(kept)} → {TARGET}")


if __name__ == "__main__":
    main()
