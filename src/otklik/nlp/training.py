"""Training: the production models from the shipped data (plus moderators' corrections), and any CSV."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from razdel import sentenize

from otklik.domain.reference import ReferenceData
from otklik.domain.rubricator import split_priority_mark
from otklik.nlp import corpora
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.models import ENGINE_VERSION, EngineModels, TextModel
from otklik.nlp.problem_cues import CuedHead, ProblemCues
from otklik.nlp.social_style import social_variants
from otklik.nlp.text.normalize import clean_text
from otklik.nlp.topics import topic_label

SEED_WEIGHT = 3.0  # hand-written seed examples count more than one Kursk row
CORRECTION_WEIGHT = 2.0  # moderators' corrections from the system's history
TOPIC_NAME_WEIGHT = 2.0  # a rubricator topic's own name: short, so it needs some weight to be heard
NOISE_WEIGHT = 5.0
REPLY_WEIGHT = 3.0  # the team's labelled replies of comment threads: the contrast the center faces
SHORT_APPEAL_WEIGHT = 1.0  # short real portal appeals (SPb) and their VK-style variants
COMMENT_WEIGHT = 2.5  # 2ch/pikabu chatter: many kinds of chatter (bench: 0.5 hurts long letters; 2.0 kept them at
# their F1 with the detect4 replies, 2.5 with the detect5 replies and cues — docs/detection.md)
_GREETING = re.compile(r"^(?:добрый|здравствуйте|уважаем)", re.IGNORECASE)


def first_sentences(texts: Iterable[str], min_chars: int = 25) -> list[str]:
    """The first informative sentence of each text: short appeal-like positives for the detector."""
    result = []
    for text in texts:
        for sentence in sentenize(text[:600]):
            candidate = sentence.text.strip()
            if len(candidate) >= min_chars and not _GREETING.match(candidate):
                result.append(candidate)
                break
    return result


@dataclass(frozen=True)
class AppealSources:
    """What the appeal detector learns from; the bench passes the training side of its splits."""

    letters: Sequence[str]  # long portal letters (Kursk)
    short_appeals: Sequence[str]  # short real appeals (SPb portal)
    replies: Sequence[corpora.Reply]  # labelled replies of comment threads
    comments: Sequence[str]  # internet chatter (2ch/pikabu)
    noise: Sequence[str]  # short noise phrases
    seeds: Sequence[str] = ()


def shipped_appeal_sources() -> AppealSources:
    return AppealSources(
        letters=[row[corpora.KURSK_TEXT] for row in corpora.kursk_rows() if row[corpora.KURSK_TEXT]],
        short_appeals=corpora.spb_short_appeals(),
        replies=corpora.comment_replies(),
        comments=[text for text, _ in corpora.comments() if text],
        noise=corpora.short_noise(),
        seeds=[e.text for e in corpora.seed_examples()],
    )


def appeal_corpus(sources: AppealSources | None = None) -> tuple[list[str], list[str], np.ndarray]:
    """Appeals (letters, their first sentences, short appeals and their VK-style variants, seeds, complaint
    replies) against chatter (chatter replies, internet comments, short noise), with their weights."""
    src = sources or shipped_appeal_sources()
    parts: list[tuple[list[str], str, float]] = [
        ([*src.letters, *first_sentences(src.letters), *src.seeds], "appeal", 1.0),
        ([*src.short_appeals, *social_variants(src.short_appeals)], "appeal", SHORT_APPEAL_WEIGHT),
        ([r.text for r in src.replies if r.label == "appeal"], "appeal", REPLY_WEIGHT),
        ([r.text for r in src.replies if r.label != "appeal"], "chatter", REPLY_WEIGHT),
        (list(src.comments), "chatter", COMMENT_WEIGHT),
        (list(src.noise), "chatter", NOISE_WEIGHT),
    ]
    texts = [t for part, _, _ in parts for t in part]
    labels = [label for part, label, _ in parts for _ in part]
    weights = np.array([w for part, _, w in parts for _ in part])
    return texts, labels, weights


def appeal_training_set(promoted: Iterable[str] = ()) -> tuple[list[str], list[str], np.ndarray]:
    """The shipped appeal corpus plus the texts moderators promoted from «not an appeal» (the detector's misses),
    learned as appeals with a correction's weight."""
    texts, labels, weights = appeal_corpus()
    extra = [cleaned for cleaned in (clean_text(t) for t in promoted if t) if cleaned]
    return (
        texts + extra,
        labels + ["appeal"] * len(extra),
        np.concatenate([weights, np.full(len(extra), CORRECTION_WEIGHT)]),
    )


def train_appeal_head(x: sp.csr_matrix, texts: Sequence[str], labels: Sequence[str], weights: np.ndarray) -> CuedHead:
    """The appeal detector's model: the shared features plus the problem cues, calibrated on 2 folds."""
    cues = ProblemCues(corpora.problem_cues())
    return CuedHead(cues, c=0.5, calibration_folds=2).fit_with_cues(x, texts, labels, weights)


def toxicity_corpus() -> tuple[list[str], list[str]]:
    comments = [(text, toxic) for text, toxic in corpora.comments() if text]
    appeals = [row[corpora.KURSK_TEXT] for row in corpora.kursk_rows() if row[corpora.KURSK_TEXT]]
    texts = [t for t, _ in comments] + appeals
    return texts, ["toxic" if toxic else "clean" for _, toxic in comments] + ["clean"] * len(appeals)


class _Rows:
    """Fits the featurizer once on all distinct texts and hands out their rows."""

    def __init__(self, featurizer: Featurizer, texts: Sequence[str]) -> None:
        distinct = list(dict.fromkeys(texts))
        self._index = {text: i for i, text in enumerate(distinct)}
        self._matrix = featurizer.fit_transform(distinct)

    def __call__(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._matrix[[self._index[t] for t in texts]]


def _valid_corrections(
    extra: Iterable[tuple[str, str, str]], reference: ReferenceData | None
) -> list[corpora.Labelled]:
    result = []
    for text, group, topic in extra:
        cleaned = clean_text(text)
        if not cleaned or not group:
            continue
        if reference is not None:
            known = reference.rubricator.group(group)
            if known is None or (topic and reference.rubricator.topic(topic) is None):
                continue
        result.append(corpora.Labelled(cleaned, group, topic or ""))
    return result


INACTIVE_GROUPS = frozenset({"Коронавирус", "Мобилизация", "Спецпроекты"})  # as reference/files.py: not offered


def _shipped_topic_names() -> list[tuple[str, str]]:
    """(topic, group) of the shipped rubricator, priority marks stripped, inactive groups left out."""
    raw: dict[str, str] = json.loads((corpora.data_root() / "rubricator" / "topics.json").read_text(encoding="utf-8"))
    return [(split_priority_mark(t)[0], g) for t, g in raw.items() if g not in INACTIVE_GROUPS]


def topic_name_examples(reference: ReferenceData | None = None) -> list[corpora.Labelled]:
    """The rubricator's own words as evidence: each active topic's name is an example of its topic, each group's
    name of its group, so groups the Kursk letters barely cover still have their vocabulary."""
    if reference is not None:
        pairs = [(t.name, g.name) for g in reference.rubricator.groups for t in g.topics if g.active and t.active]
    else:
        pairs = _shipped_topic_names()
    examples = [corpora.Labelled(group, group, "") for group in dict.fromkeys(g for _, g in pairs)]
    return examples + [corpora.Labelled(topic, group, topic) for topic, group in pairs]


def rubric_training_set(
    extra_examples: Iterable[tuple[str, str, str]] = (), reference: ReferenceData | None = None
) -> tuple[list[corpora.Labelled], np.ndarray]:
    """Kursk rows and seeds, the rubricator's topic names, then moderators' corrections, with their weights."""
    seeds = {e.text for e in corpora.seed_examples()}
    shipped = corpora.rubricator_examples()
    names = topic_name_examples(reference)
    corrections = _valid_corrections(extra_examples, reference)
    weights = [SEED_WEIGHT if e.text in seeds else 1.0 for e in shipped]
    weights += [TOPIC_NAME_WEIGHT] * len(names) + [CORRECTION_WEIGHT] * len(corrections)
    return [*shipped, *names, *corrections], np.array(weights)


def train_production_models(
    extra_examples: Iterable[tuple[str, str, str]] = (),
    *,
    extra_routes: Iterable[tuple[str, str, float]] = (),
    extra_appeals: Iterable[str] = (),
    reference: ReferenceData | None = None,
) -> EngineModels:
    """All models of the engine from the shipped seed data plus the system's own history.

    extra_examples: moderators' corrections as (text, group, topic) — topic may be "" for group only;
    extra_routes: past assignments as (text, agency label, weight) where the label is an agency id or «@municipality»
    (callers map municipal administrations to «@municipality») and the weight says how much the decision counts
    against a seed example's 1 (callers make recent decisions count more); extra_appeals: texts moderators promoted
    from «not an appeal» — the detector's misses, learned as appeals with a correction's weight.
    Deterministic: fixed seeds, sorted labels.
    """
    started = time.perf_counter()
    rubric, rubric_weights = rubric_training_set(extra_examples, reference)
    n_kursk_and_seeds = len(rubric) - len(_valid_corrections(extra_examples, reference))
    appeal_texts, appeal_labels, appeal_weights = appeal_training_set(extra_appeals)
    tox_texts, tox_labels = toxicity_corpus()
    routes = [(t, a, 1.0) for t, a in corpora.routing_examples()]
    routes += [(clean_text(t), a, w) for t, a, w in extra_routes if t and a and w > 0]
    featurizer = Featurizer()
    rows = _Rows(featurizer, [*appeal_texts, *tox_texts, *(e.text for e in rubric), *(t for t, _, _ in routes)])
    topical = [e for e in rubric if e.topic]
    models = EngineModels(
        featurizer=featurizer,
        appeal=train_appeal_head(rows(appeal_texts), appeal_texts, appeal_labels, appeal_weights),
        toxicity=LinearHead(c=0.3, calibration_folds=2).fit(rows(tox_texts), tox_labels),
        groups=LinearHead(c=0.5).fit(rows([e.text for e in rubric]), [e.group for e in rubric], rubric_weights),
        topics=LinearHead(c=0.5).fit(
            rows([e.text for e in topical]),
            [topic_label(e.group, e.topic) for e in topical],
            np.array([w for w, e in zip(rubric_weights, rubric, strict=True) if e.topic]),
        ),
        router=LinearHead(c=0.5).fit(
            rows([t for t, _, _ in routes]), [a for _, a, _ in routes], np.array([w for _, _, w in routes])
        )
        if len({a for _, a, _ in routes}) >= 2
        else None,
    )
    models.info = {
        "engine_version": ENGINE_VERSION,
        "rubricator_examples": len(rubric),
        "corrections": len(rubric) - n_kursk_and_seeds,
        "appeal_examples": len(appeal_texts),
        "routing_examples": len(routes),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return models


def train_text_model(
    texts: Sequence[str], labels: Sequence[str], *, c: float = 1.0, calibrate: bool = True
) -> tuple[Featurizer, LinearHead]:
    """The generic classifier: char + lemma TF-IDF → linear SVM, calibrated unless only labels are needed."""
    cleaned = [clean_text(t) for t in texts]
    featurizer = Featurizer()
    x = featurizer.fit_transform(cleaned)
    return featurizer, LinearHead(c=c, calibration_folds=3 if calibrate else 0).fit(x, list(labels))


def train_csv_model(
    texts: Sequence[str],
    labels: Sequence[str],
    text_column: str,
    label_column: str,
    *,
    fine_labels: Sequence[str] | None = None,
) -> TextModel:
    """The generic classifier of `otklik model train`: the ensemble (SVM + naive Bayes + word vectors, hierarchy)."""
    from otklik.nlp.ensemble import train_ensemble  # not imported on the service's and `analyze`'s path

    model = train_ensemble(texts, labels, fine_labels=fine_labels)
    info: dict[str, object] = {
        "rows": len(texts),
        "classes": len(model.classes_),
        "word_vectors": model.embedding is not None,
        "hierarchy": model.fine is not None,
    }
    return TextModel(model.featurizer, model.svc, text_column, label_column, info, ensemble=model)
