"""Toxicity (obscenity, insults) for moderators: a lexicon of roots plus a linear model on comments."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead

TOXIC = "toxic"
TOXIC_THRESHOLD = 0.75


def compile_lexicon(roots: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![а-яё])(?:" + "|".join(roots) + r")", re.IGNORECASE)


@dataclass(frozen=True)
class ToxicityVerdict:
    toxic: bool
    score: float
    words: tuple[str, ...]


class ToxicityScorer:
    def __init__(
        self, featurizer: Featurizer, head: LinearHead, lexicon: re.Pattern[str], threshold: float = TOXIC_THRESHOLD
    ) -> None:
        self._featurizer = featurizer
        self._head = head
        self._lexicon = lexicon
        self._threshold = threshold
        self._index = int(np.searchsorted(head.classes_, TOXIC))

    def score(self, text: str) -> ToxicityVerdict:
        words = tuple(dict.fromkeys(m.group(0).lower() for m in self._lexicon.finditer(text[:5000])))[:3]
        probability = float(self._featurizer.proba(self._head, text)[self._index]) if text else 0.0
        if words:
            probability = max(probability, 0.9)
        return ToxicityVerdict(bool(words) or probability >= self._threshold, probability, words)
