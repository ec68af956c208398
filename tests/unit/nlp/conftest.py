"""One engine for the whole NLP test session (models come from the model cache, built once if missing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from otklik.domain.analysis import Detection
from otklik.domain.reference import ReferenceData
from otklik.nlp import corpora
from otklik.nlp.analyze import Message, analyze_messages
from otklik.nlp.detector import ModelAppealDetector
from otklik.nlp.factory import build_understanding
from otklik.nlp.model_store import production_models
from otklik.nlp.problem_cues import ProblemCues
from otklik.nlp.text.normalize import clean_text
from otklik.nlp.toxicity import ToxicityScorer, compile_lexicon
from otklik.pipeline.components import Understanding
from otklik.reference.files import load_reference


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return load_reference()


@pytest.fixture(scope="session")
def engine(reference: ReferenceData) -> Understanding:
    return build_understanding(reference)


@pytest.fixture(scope="session")
def analyze(engine: Understanding) -> Any:
    def run(text: str, channel: str | None = "vk", **extra: Any) -> dict[str, Any]:
        return analyze_messages(engine, [Message(text, channel, **extra)])[0]

    return run


@pytest.fixture(scope="session")
def detect() -> Callable[[str], Detection]:
    """The production detector as `build_understanding` assembles it, on the served models, for a VK comment."""
    models = production_models()
    toxicity = ToxicityScorer(models.featurizer, models.toxicity, compile_lexicon(corpora.obscenity_roots()))
    detector = ModelAppealDetector(models.featurizer, models.appeal, toxicity)
    return lambda text: detector.detect(clean_text(text), channel="vk")


@pytest.fixture(scope="session")
def cues() -> ProblemCues:
    """The shipped problem-cue lexicon (data/nlp/problem_words.csv)."""
    return ProblemCues(corpora.problem_cues())


@pytest.fixture(scope="session")
def cue_names(cues: ProblemCues) -> Callable[[str], set[str]]:
    """The names of the problem cues a text matches."""

    def named(text: str) -> set[str]:
        return {cues.names[i] for i in cues.found(text)}

    return named
