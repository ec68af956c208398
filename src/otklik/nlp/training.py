"""Training: the production models from the shipped data (plus moderators' corrections), and any CSV."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from razdel import sentenize

from otklik.domain.reference import ReferenceData
from otklik.nlp import corpora
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.models import ENGINE_VERSION, EngineModels, TextModel
from otklik.nlp.text.normalize import clean_text
from otklik.nlp.topics import topic_label

SEED_WEIGHT = 3.0  # hand-written seed examples count more than one Kursk row
CORRECTION_WEIGHT = 2.0  # moderators' corrections from the system's history
NOISE_WEIGHT = 5.0
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


def appeal_corpus() -> tuple[list[str], list[str], np.ndarray]:
    """Appeals (Kursk, their first sentences, seeds) against chatter (comments, short noise)."""
    appeals = [row[corpora.KURSK_TEXT] for row in corpora.kursk_rows() if row[corpora.KURSK_TEXT]]
    positives = appeals + first_sentences(appeals) + [e.text for e in corpora.seed_examples()]
    comments = [text for text, _ in corpora.comments() if text]
    noise = corpora.short_noise()
    texts = positives + comments + noise
    labels = ["appeal"] * len(positives) + ["chatter"] * (len(comments) + len(noise))
    weights = np.array([1.0] * (len(positives) + len(comments)) + [NOISE_WEIGHT] * len(noise))
    return texts, labels, weights


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
    seeds = {e.text for e in corpora.seed_examples()}
    rubric = corpora.rubricator_examples() + _valid_corrections(extra_examples, reference)
    n_kursk_and_seeds = len(corpora.rubricator_examples())
    rubric_weights = np.array(
        [
            SEED_WEIGHT if e.text in seeds else (1.0 if i < n_kursk_and_seeds else CORRECTION_WEIGHT)
            for i, e in enumerate(rubric)
        ]
    )
    appeal_texts, appeal_labels, appeal_weights = appeal_corpus()
    promoted = [clean_text(t) for t in extra_appeals if t and t.strip()]
    appeal_texts += promoted
    appeal_labels += ["appeal"] * len(promoted)
    appeal_weights = np.concatenate([appeal_weights, np.full(len(promoted), CORRECTION_WEIGHT)])
    tox_texts, tox_labels = toxicity_corpus()
    routes = [(t, a, 1.0) for t, a in corpora.routing_examples()]
    routes += [(clean_text(t), a, w) for t, a, w in extra_routes if t and a and w > 0]
    featurizer = Featurizer()
    rows = _Rows(featurizer, [*appeal_texts, *tox_texts, *(e.text for e in rubric), *(t for t, _, _ in routes)])
    topical = [e for e in rubric if e.topic]
    models = EngineModels(
        featurizer=featurizer,
        appeal=LinearHead(c=0.5, calibration_folds=2).fit(rows(appeal_texts), appeal_labels, appeal_weights),
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
