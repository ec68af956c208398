"""One engine for the whole NLP test session (models come from the model cache, built once if missing)."""

from __future__ import annotations

from typing import Any

import pytest

from otklik.domain.reference import ReferenceData
from otklik.nlp.analyze import Message, analyze_messages
from otklik.nlp.factory import build_understanding
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
