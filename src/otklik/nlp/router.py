"""The Router: people's remembered corrections first, then who owns the object the text names (a regional road,
a kindergarten, a ЦРБ…), then the competence matrix, with a learned router (past assignments) as second opinion
and gap filler. The order and the data are explained in docs/routing.md."""

from __future__ import annotations

import dataclasses

import numpy as np

from otklik.domain.agency import Agency, AgencyLevel
from otklik.domain.analysis import CategoryGuess, LocationGuess, RoutingDecision
from otklik.domain.competence import MUNICIPAL_ADMINISTRATION, Competence
from otklik.domain.reference import ReferenceData
from otklik.nlp.corpora import nlp_dir
from otklik.nlp.correction_memory import CorrectionMemory
from otklik.nlp.explain import top_words
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.ownership import Evidence, OwnershipEvidence

LEARNED_MIN_CONFIDENCE = 0.6  # the learned router alone decides only above this
MUNICIPAL_PLACE_FLOOR = 0.5  # a municipal body is only as sure as the place, but a vague place is not zero
# The text names a municipal object (a well, a kindergarten, a street) but not where: whatever body the matrix
# offers is a guess, so it goes to a moderator (below any auto-assign threshold the curve ever chose).
UNPLACED_MUNICIPAL_CAP = 0.2
UNPLACED_WORDS = "место не названо"  # in the reason of such a decision; the decision score reads it (nlp/decision.py)


class HybridRouter:
    def __init__(
        self,
        reference: ReferenceData,
        featurizer: Featurizer | None = None,
        head: LinearHead | None = None,
        *,
        ownership: OwnershipEvidence | None = None,
        memory: CorrectionMemory | None = None,
    ) -> None:
        self._reference = reference
        self._matrix = reference.competence_matrix()
        self._agencies = {a.id: a for a in reference.agencies}
        self._featurizer = featurizer
        self._head = head
        self._ownership = ownership or OwnershipEvidence.from_data(nlp_dir(), reference)
        self._memory = memory

    def _agency(self, label: str, location: LocationGuess) -> Agency | None:
        if label == MUNICIPAL_ADMINISTRATION:
            return self._matrix.administration_of(location.municipality_id) if location.municipality_id else None
        return self._agencies.get(label)

    def _decision(self, agency: Agency, confidence: float, source: str, reasons: list[str]) -> RoutingDecision:
        served = self._reference.municipality(agency.municipality_id) if agency.municipality_id else None
        return RoutingDecision(
            agency.id,
            agency.name,
            agency.level,
            served.name if served else None,
            round(confidence, 4),
            source,
            tuple(reasons),
        )

    def learned(self, text: str, location: LocationGuess) -> tuple[Agency | None, float, str]:
        """The learned router's body for the text, its probability and an explanation."""
        if self._head is None or self._featurizer is None or not text.strip():
            return None, 0.0, ""
        p = self._featurizer.proba(self._head, text)
        best = int(np.argmax(p))
        agency = self._agency(str(self._head.classes_[best]), location)
        if agency is None:
            return None, float(p[best]), ""
        words = top_words(self._featurizer, self._head, text, best, 3)
        why = f"обучаемый маршрутизатор: {agency.name} ({p[best]:.2f})" + (": " + ", ".join(words) if words else "")
        return agency, float(p[best]), why

    def route(self, text: str, category: CategoryGuess | None, location: LocationGuess) -> RoutingDecision | None:
        remembered = self._remembered(text, location)
        if remembered is not None:
            return remembered
        competence = (
            self._matrix.resolve(category.group, category.topic, location.municipality_id) if category else None
        )
        learned, p_learned, why_learned = self.learned(text, location)
        evidence = self._ownership.find(text, category.group, location) if category else None
        owned = self._owned(evidence, category, competence, location, learned, p_learned) if evidence else None
        if owned is not None:
            return owned
        decision = self._by_matrix(category, competence, location, learned, p_learned, why_learned)
        if decision is not None and evidence is not None and evidence.agency_label == MUNICIPAL_ADMINISTRATION:
            return unplaced(decision, evidence)
        return decision

    def _by_matrix(
        self,
        category: CategoryGuess | None,
        competence: Competence | None,
        location: LocationGuess,
        learned: Agency | None,
        p_learned: float,
        why_learned: str,
    ) -> RoutingDecision | None:
        """The competence matrix's body, with the learned router as second opinion or, alone, as gap filler."""
        if competence is not None:
            agency = competence.agency
            confidence = category.confidence if category else 0.0
            if agency.level is AgencyLevel.MUNICIPAL:
                confidence = min(confidence, max(location.confidence, MUNICIPAL_PLACE_FLOOR))
            reasons = [competence.explain()]
            if learned is None or learned.id == agency.id:
                if learned is not None:
                    reasons.append(why_learned)
                    confidence = max(confidence, p_learned)
                return self._decision(agency, confidence, "matrix+learned" if learned else "matrix", reasons)
            reasons.append(why_learned.replace("обучаемый маршрутизатор:", "обучаемый маршрутизатор предлагает"))
            return self._decision(agency, min(confidence, 1.2 - p_learned), "matrix", reasons)
        if learned is not None and p_learned >= LEARNED_MIN_CONFIDENCE:
            return self._decision(learned, p_learned, "learned", ["матрица не решила", why_learned])
        return None

    def _remembered(self, text: str, location: LocationGuess) -> RoutingDecision | None:
        """A body a person chose for a nearly identical text wins over every rule: that is what they corrected."""
        recall = self._memory.recall(text) if self._memory is not None else None
        if recall is None or recall.case.agency_label is None:
            return None
        agency = self._agency(recall.case.agency_label, location)
        if agency is None:
            return None
        return self._decision(agency, recall.similarity, "memory", [f"{recall.explain()} → {agency.name}"])

    def _owned(
        self,
        evidence: Evidence,
        category: CategoryGuess | None,
        competence: Competence | None,
        location: LocationGuess,
        learned: Agency | None,
        p_learned: float,
    ) -> RoutingDecision | None:
        """The owner of the named object decides; the matrix's topic rule is overruled and says so."""
        agency = self._agency(evidence.agency_label, location)
        if agency is None:
            return None  # a municipal object of an unknown place: the matrix and the moderator decide
        reasons = [evidence.reason.replace("{match}", evidence.match).replace("{agency}", agency.name)]
        confidence = max(category.confidence if category else 0.0, evidence.confidence)
        if agency.level is AgencyLevel.MUNICIPAL:
            confidence = min(confidence, max(location.confidence, MUNICIPAL_PLACE_FLOOR))
        if competence is not None and competence.agency.id != agency.id:
            reasons.append(f"по теме матрица предлагала {competence.agency.name}, но решает принадлежность объекта")
        elif competence is not None:
            reasons.append(competence.explain())  # the matrix agrees: both reasons stand
        if learned is not None and learned.id == agency.id:
            confidence = max(confidence, p_learned)
        return self._decision(agency, confidence, "ownership", reasons)


def unplaced(decision: RoutingDecision, evidence: Evidence) -> RoutingDecision:
    """A municipal object whose place the text does not name: the matrix's body stands, with a confidence that
    sends it to a moderator, and the reason says why."""
    why = evidence.reason.replace("{match}", evidence.match).replace("{agency}", "администрация муниципалитета")
    return dataclasses.replace(
        decision,
        confidence=min(decision.confidence, UNPLACED_MUNICIPAL_CAP),
        reasons=(*decision.reasons, f"{why}, но {UNPLACED_WORDS} — нужен модератор"),
    )
