"""The AppealDetector: does a message of a public channel need an answer of the authorities."""

from __future__ import annotations

import re

import numpy as np

from otklik.domain.analysis import Detection
from otklik.domain.channels import Channel
from otklik.nlp.explain import top_words
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.problem_cues import CuedHead
from otklik.nlp.text.lemmas import has_words
from otklik.nlp.text.normalize import has_cyrillic, has_letters
from otklik.nlp.toxicity import ToxicityScorer

APPEAL = "appeal"
APPEAL_THRESHOLD = 0.3  # best held-out F1 (bench_detection); short-noise false positives stay at 0
# A comment that opens as an ad, a marked ad («Реклама!») or a marked repost is an announcement whatever problem words
# it holds («Продам гараж … со смотровой ямой»); it stays findable and a moderator can still make it an appeal.
# «Реклама на фасаде» (a complaint about an illegal ad) has no mark and is left to the model.
ANNOUNCEMENT = re.compile(
    r"^\W*(?:(?:продам|продаю|продается|продаётся|сдам|сдаю|сдается|сдаётся|куплю|отдам|отдаю)\b"
    r"|(?:репост|новость|официально)\s*:|реклама\s*[:!])",
    re.IGNORECASE,
)
ANNOUNCEMENT_SCORE = 0.05


def is_public(channel: str | None) -> bool:
    """Public social channels need the check; an unknown channel name is treated as public."""
    if channel is None:
        return True
    try:
        return Channel(channel).is_public_social
    except ValueError:
        return True


class ModelAppealDetector:
    def __init__(
        self, featurizer: Featurizer, head: LinearHead, toxicity: ToxicityScorer, threshold: float = APPEAL_THRESHOLD
    ) -> None:
        self._featurizer = featurizer
        self._head = head
        self._toxicity = toxicity
        self.threshold = threshold
        self._index = int(np.searchsorted(head.classes_, APPEAL))

    def appeal_score(self, text: str) -> tuple[float, tuple[str, ...]]:
        """P(appeal) with its reasons; rules first for texts without words."""
        if not has_letters(text, 2) or not has_words(text):
            return 0.0, ("не обращение: нет текста",)
        if ANNOUNCEMENT.match(text):
            return ANNOUNCEMENT_SCORE, ("не обращение: объявление или репост",)
        score, problems = self._score(text)
        if not has_cyrillic(text):
            return min(score, 0.2), ("не обращение: текст не на русском",)
        cue = top_words(
            self._featurizer, self._head, text, self._index if score >= self.threshold else 1 - self._index, 3
        )
        verdict = "признаки обращения" if score >= self.threshold else "не обращение"
        reasons = [f"{verdict} ({score:.2f})" + (": " + ", ".join(cue) if cue else "")]
        if problems:
            reasons.append("названа проблема: " + ", ".join(problems))
        return score, tuple(reasons)

    def _score(self, text: str) -> tuple[float, list[str]]:
        """P(appeal) and the problem cues that pushed it up (models before the cues have none)."""
        if not isinstance(self._head, CuedHead):
            return float(self._featurizer.proba(self._head, text)[self._index]), []
        cue_part, found = self._head.cue_scores(text)
        proba = self._head.proba_with_cues(self._featurizer.scores(self._head, text), cue_part)
        towards = self._head.cue_coef_[:, self._index] - self._head.cue_coef_[:, 1 - self._index]
        return float(proba[self._index]), [self._head.cues.names[i] for i in found if towards[i] > 0]

    def detect(self, text: str, *, channel: str | None) -> Detection:
        toxicity = self._toxicity.score(text)
        reasons: tuple[str, ...] = ()
        if toxicity.toxic:
            shown = ", ".join(w[:2] + "…" for w in toxicity.words)
            reasons = ("токсичность" + (f": {shown}" if shown else f" ({toxicity.score:.2f})"),)
        if not is_public(channel):
            return Detection(True, 1.0, toxicity.toxic, toxicity.score, ("канал обращений: всё — обращения", *reasons))
        score, why = self.appeal_score(text)
        return Detection(score >= self.threshold, score, toxicity.toxic, toxicity.score, (*why, *reasons))
