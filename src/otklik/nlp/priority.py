"""The PriorityAssessor: urgent when life, health or heat are at stake, and for priority topics."""

from __future__ import annotations

import re
from collections.abc import Sequence

from otklik.domain.analysis import CategoryGuess, PriorityGuess
from otklik.domain.appeal_kind import Priority
from otklik.domain.reference import ReferenceData


class UrgencyAssessor:
    def __init__(self, reference: ReferenceData, patterns: Sequence[tuple[str, str]]) -> None:
        self._rubricator = reference.rubricator
        self._patterns = [(re.compile(p), reason) for p, reason in patterns]

    def urgent_reasons(self, text: str) -> list[str]:
        folded = text[:5000].lower().replace("ё", "е")
        return list(dict.fromkeys(reason for pattern, reason in self._patterns if pattern.search(folded)))

    def assess(self, text: str, category: CategoryGuess | None) -> PriorityGuess:
        reasons = self.urgent_reasons(text)
        if reasons:
            return PriorityGuess(Priority.HIGH, ("срочно: " + ", ".join(reasons),))
        topic = self._rubricator.topic(category.topic) if category and category.topic else None
        if topic is not None and topic.priority:
            return PriorityGuess(Priority.HIGH, (f"приоритетная тема рубрикатора: «{topic.name}»",))
        return PriorityGuess(Priority.NORMAL)
