"""The TopicClassifier: group and topic of the rubricator with calibrated confidence."""

from __future__ import annotations

import numpy as np

from otklik.domain.analysis import CategoryGuess
from otklik.domain.rubricator import Rubricator
from otklik.nlp.explain import top_words
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead

TOPIC_SEPARATOR = " ⟶ "  # labels of the topic head: «group ⟶ topic»
TOPIC_MIN_CONFIDENCE = 0.5  # below: the answer is the group alone


def topic_label(group: str, topic: str) -> str:
    return f"{group}{TOPIC_SEPARATOR}{topic}"


class RubricatorClassifier:
    def __init__(
        self,
        featurizer: Featurizer,
        groups: LinearHead,
        topics: LinearHead,
        rubricator: Rubricator,
        topic_min_confidence: float = TOPIC_MIN_CONFIDENCE,
    ) -> None:
        self.featurizer = featurizer
        self._groups = groups
        self._topics = topics
        self._topic_min = topic_min_confidence
        active = {g.name for g in rubricator.groups if g.active}
        self._group_mask = np.array([g in active for g in groups.classes_])
        self._topic_group = np.array([label.split(TOPIC_SEPARATOR)[0] for label in topics.classes_])

    def classify(self, text: str) -> CategoryGuess | None:
        if not text.strip():
            return None
        group_p = self.featurizer.proba(self._groups, text) * self._group_mask
        g = int(group_p.argmax())
        group = str(self._groups.classes_[g])
        words = top_words(self.featurizer, self._groups, text, g)
        reasons = [f"группа «{group}» ({group_p[g]:.2f})" + (": " + ", ".join(words) if words else "")]
        topic_p = self.featurizer.proba(self._topics, text) * (self._topic_group == group)
        t = int(topic_p.argmax())
        if topic_p[t] >= self._topic_min:
            topic = str(self._topics.classes_[t]).split(TOPIC_SEPARATOR)[1]
            reasons.append(f"тема «{topic}» ({topic_p[t]:.2f})")
            return CategoryGuess(group, topic, float(topic_p[t]), tuple(reasons))
        reasons.append("тема неуверенно — только группа")
        return CategoryGuess(group, None, float(group_p[g]), tuple(reasons))
