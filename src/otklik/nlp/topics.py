"""The TopicClassifier: group and topic of the rubricator with calibrated confidence."""

from __future__ import annotations

import numpy as np

from otklik.domain.analysis import CategoryGuess
from otklik.domain.rubricator import Rubricator
from otklik.nlp.correction_memory import CorrectionMemory
from otklik.nlp.explain import top_words
from otklik.nlp.features import Featurizer
from otklik.nlp.group_placement import GroupPlacement
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
        *,
        memory: CorrectionMemory | None = None,
        placement: GroupPlacement | None = None,
    ) -> None:
        self.featurizer = featurizer
        self._memory = memory
        self._placement = placement
        self._rubricator = rubricator
        self._groups = groups
        self._topics = topics
        self._topic_min = topic_min_confidence
        active = {g.name for g in rubricator.groups if g.active}
        self._group_mask = np.array([g in active for g in groups.classes_])
        self._group_index = {str(g): i for i, g in enumerate(groups.classes_) if g in active}
        self._topic_group = np.array([label.split(TOPIC_SEPARATOR)[0] for label in topics.classes_])

    def classify(self, text: str) -> CategoryGuess | None:
        if not text.strip():
            return None
        remembered = self._remembered(text)
        if remembered is not None:
            return remembered
        group_p = self.featurizer.proba(self._groups, text) * self._group_mask
        g = int(group_p.argmax())
        group = str(self._groups.classes_[g])
        words = top_words(self.featurizer, self._groups, text, g)
        reasons = [f"группа «{group}» ({group_p[g]:.2f})" + (": " + ", ".join(words) if words else "")]
        probability = float(group_p[g])
        margin = probability - float(np.partition(group_p, -2)[-2]) if len(group_p) > 1 else probability
        topic_p = self.featurizer.proba(self._topics, text)
        placed = self._placed(text, group, group_p[g], group_p, topic_p)
        if placed is not None:
            return CategoryGuess(
                placed.group,
                placed.topic,
                placed.confidence,
                (*reasons, *placed.reasons),
                model_group=group,
                group_probability=probability,
                group_margin=margin,
            )
        topic_p = topic_p * (self._topic_group == group)
        t = int(topic_p.argmax())
        if topic_p[t] >= self._topic_min:
            topic = str(self._topics.classes_[t]).split(TOPIC_SEPARATOR)[1]
            reasons.append(f"тема «{topic}» ({topic_p[t]:.2f})")
            return CategoryGuess(
                group,
                topic,
                float(topic_p[t]),
                tuple(reasons),
                model_group=group,
                group_probability=probability,
                group_margin=margin,
            )
        reasons.append("тема неуверенно — только группа")
        return CategoryGuess(
            group,
            None,
            float(group_p[g]),
            tuple(reasons),
            model_group=group,
            group_probability=probability,
            group_margin=margin,
        )

    def _placed(
        self, text: str, group: str, group_probability: float, group_p: np.ndarray, topic_p: np.ndarray
    ) -> CategoryGuess | None:
        """The rubricator's placement between neighbouring groups (nlp/group_placement.py), when a rule applies:
        confidence = the model's probability of the two neighbours together; the topic the best of the new
        group's, when it holds at least `topic_min` of that group's topic probability."""
        placement = self._placement.place(text, group) if self._placement is not None else None
        if placement is None or placement.group not in self._group_index:
            return None
        confidence = min(1.0, float(group_probability + group_p[self._group_index[placement.group]]))
        reasons = [f"группа «{placement.group}» по правилу рубрикатора: {placement.explain()}"]
        inside = topic_p * (self._topic_group == placement.group)
        total = float(inside.sum())
        t = int(inside.argmax())
        topic = None
        if total > 0 and inside[t] / total >= self._topic_min:
            topic = str(self._topics.classes_[t]).split(TOPIC_SEPARATOR)[1]
            reasons.append(f"тема «{topic}» ({inside[t] / total:.2f} внутри группы)")
        return CategoryGuess(placement.group, topic, confidence, tuple(reasons))

    def _remembered(self, text: str) -> CategoryGuess | None:
        """A moderator's correction of a nearly identical text wins over the models until they are retrained."""
        recall = self._memory.recall(text) if self._memory is not None else None
        if recall is None or recall.case.group is None:
            return None
        group = self._rubricator.group(recall.case.group)
        if group is None or not group.active:
            return None
        topic = recall.case.topic if recall.case.topic and self._rubricator.topic(recall.case.topic) else None
        named = f"группа «{group.name}»" + (f", тема «{topic}»" if topic else "")
        return CategoryGuess(group.name, topic, recall.similarity, (f"{recall.explain()}: {named}",))
