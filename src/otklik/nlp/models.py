"""The trained models of the engine as one picklable bundle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead

if TYPE_CHECKING:
    from otklik.nlp.ensemble import TextEnsemble

ENGINE_VERSION = "4"  # bump when the training code changes: cached models are rebuilt


@dataclass
class EngineModels:
    featurizer: Featurizer
    appeal: LinearHead  # classes: appeal / chatter
    toxicity: LinearHead  # classes: clean / toxic
    groups: LinearHead  # rubricator groups
    topics: LinearHead  # «group ⟶ topic»
    router: LinearHead | None  # agency ids and «@municipality»; None without routing history
    info: dict[str, object] = field(default_factory=dict)


@dataclass
class TextModel:
    """A generic text classifier for any labelled CSV (`otklik model train`)."""

    featurizer: Featurizer
    head: LinearHead
    text_column: str
    label_column: str
    info: dict[str, object] = field(default_factory=dict)
    ensemble: TextEnsemble | None = None  # when present (models since the ensemble), it answers

    def predict(self, texts: list[str]) -> list[str]:
        if self.ensemble is not None:
            return self.ensemble.predict(texts)
        return [str(label) for label in self.head.predict(self.featurizer.transform(texts))]
