"""The shipped training data: Kursk appeals, SPb short appeals, internet comments, comment-thread replies, short
noise, seed examples, crosswalks."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from otklik.nlp.text.normalize import clean_text

KURSK_TEXT = "Текст Сообщения"
KURSK_TOPIC = "Тематика"
KURSK_GROUP = "Категория"
KURSK_EXECUTOR = "Ответственное лицо"
MUNICIPAL = "@municipality"


def data_root() -> Path:
    return Path(str(resources.files("otklik") / "data"))


def training_dir() -> Path:
    return data_root() / "training"


def nlp_dir() -> Path:
    return data_root() / "nlp"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def kursk_rows() -> tuple[dict[str, str], ...]:
    """Kursk appeals with the text cleaned of HTML (2,000 rows)."""
    rows = _csv(training_dir() / "appeals_kursk.csv")
    return tuple({**row, KURSK_TEXT: clean_text(row[KURSK_TEXT])} for row in rows)


@lru_cache(maxsize=1)
def comments() -> tuple[tuple[str, bool], ...]:
    """2ch/pikabu comments with their toxic flag (14,412 rows)."""
    with zipfile.ZipFile(training_dir() / "comments_toxic.csv.zip") as archive, archive.open("labeled.csv") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
        return tuple((clean_text(row["comment"]), float(row["toxic"]) >= 0.5) for row in reader)


def _lines(name: str) -> list[str]:
    text = (nlp_dir() / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def short_noise() -> list[str]:
    return _lines("short_noise.txt")


def is_spb_held_out(text: str) -> bool:
    """One distinct SPb text in five (by SHA-1) is never shipped: bench/bench_detection.py measures on them."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0


@lru_cache(maxsize=1)
def spb_short_appeals() -> tuple[str, ...]:
    """Short real appeals of the St Petersburg portal (3,000 distinct texts, no personal data; docs/detection.md)."""
    return tuple(row["text"] for row in _csv(training_dir() / "appeals_spb_short.csv") if row["text"])


@dataclass(frozen=True)
class Reply:
    """A reply under an official's post, labelled «appeal» or «chatter», with its kind (thanks, joke, roads …)."""

    text: str
    label: str
    kind: str


def comment_replies() -> list[Reply]:
    """Realistic replies of the governor's comment threads, written by the team (docs/detection.md, «SOURCE»)."""
    with (nlp_dir() / "comment_replies.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Reply(r["text"], r["label"], r["kind"]) for r in rows if r["text"]]


def problem_cues() -> list[tuple[str, tuple[str, ...], str]]:
    """(pattern, trigger substrings, cue name) of the problem lexicon the appeal detector weighs
    (`nlp/problem_cues.py`); the pattern is tried only on texts that contain one of the triggers."""
    return [
        (row["pattern"], tuple(t for t in row["triggers"].split(";") if t), row["cue"])
        for row in _csv(nlp_dir() / "problem_words.csv")
    ]


def obscenity_roots() -> list[str]:
    return _lines("obscenity.txt")


def urgency_patterns() -> list[tuple[str, str]]:
    return [(row["pattern"], row["reason"]) for row in _csv(nlp_dir() / "urgency.csv")]


@dataclass(frozen=True)
class Labelled:
    text: str
    group: str
    topic: str


def topic_crosswalk() -> dict[str, tuple[str, str]]:
    """Kursk «Тематика» → (our group, our topic); excluded topics are absent."""
    return {r["kursk_topic"]: (r["group"], r["topic"]) for r in _csv(nlp_dir() / "kursk_crosswalk.csv") if r["group"]}


def executor_crosswalk() -> dict[str, str]:
    """Kursk executor → our agency id or «@municipality»; excluded executors are absent."""
    return {r["kursk_executor"]: r["agency_id"] for r in _csv(nlp_dir() / "kursk_executors.csv") if r["agency_id"]}


def seed_examples() -> list[Labelled]:
    with (nlp_dir() / "seed_examples.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Labelled(r["text"], r["group"], r["topic"]) for r in rows]


def rubricator_examples() -> list[Labelled]:
    """Kursk appeals relabelled onto our rubricator through the crosswalk, plus the seed examples."""
    crosswalk = topic_crosswalk()
    mapped = [
        Labelled(row[KURSK_TEXT], *crosswalk[row[KURSK_TOPIC]])
        for row in kursk_rows()
        if row[KURSK_TOPIC] in crosswalk and row[KURSK_TEXT]
    ]
    return mapped + seed_examples()


def routing_examples() -> list[tuple[str, str]]:
    """(text, agency id or «@municipality») from the Kursk executors through the executor crosswalk."""
    crosswalk = executor_crosswalk()
    return [
        (row[KURSK_TEXT], crosswalk[row[KURSK_EXECUTOR]])
        for row in kursk_rows()
        if row[KURSK_EXECUTOR] in crosswalk and row[KURSK_TEXT]
    ]
