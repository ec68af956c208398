"""Competence: which body must solve which topic in which territory (editable data, not code)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from otklik.domain.agency import Agency, AgencyLevel

MUNICIPAL_ADMINISTRATION = "@municipality"  # the agency column value meaning «the administration of the place»


@dataclass(frozen=True)
class CompetenceRule:
    group: str
    topic: str | None  # None: the rule covers the whole group
    municipality_id: str | None  # None: any municipality; set: an override for one territory
    agency_id: str  # a concrete agency id, or MUNICIPAL_ADMINISTRATION
    note: str = ""

    @property
    def specificity(self) -> int:
        return (2 if self.topic else 0) + (1 if self.municipality_id else 0) * 4


@dataclass(frozen=True)
class Competence:
    """The resolved body for one appeal, with the rule that decided it."""

    agency: Agency
    rule: CompetenceRule

    def explain(self) -> str:
        scope = f"тема «{self.rule.topic}»" if self.rule.topic else f"группа «{self.rule.group}»"
        where = " (особое правило для муниципалитета)" if self.rule.municipality_id else ""
        return f"матрица компетенций: {scope}{where} → {self.agency.name}"


class CompetenceMatrix:
    """Topic × municipality → agency; the most specific matching rule wins (override > topic > group)."""

    def __init__(self, rules: Iterable[CompetenceRule], agencies: Mapping[str, Agency]) -> None:
        self._rules = tuple(rules)
        self._agencies = dict(agencies)
        self._administration_of = {
            a.municipality_id: a
            for a in agencies.values()
            if a.level is AgencyLevel.MUNICIPAL and a.municipality_id and a.id.startswith("adm-")
        }

    @property
    def rules(self) -> tuple[CompetenceRule, ...]:
        return self._rules

    def administration_of(self, municipality_id: str) -> Agency | None:
        return self._administration_of.get(municipality_id)

    def resolve(self, group: str, topic: str | None, municipality_id: str | None) -> Competence | None:
        """The competent body, or None when no rule applies or the place is needed but unknown."""
        candidates = [
            r
            for r in self._rules
            if r.group == group
            and (r.topic is None or r.topic == topic)
            and (r.municipality_id is None or r.municipality_id == municipality_id)
        ]
        for rule in sorted(candidates, key=lambda r: r.specificity, reverse=True):
            agency = self._agency_for(rule, municipality_id)
            if agency is not None:
                return Competence(agency, rule)
        return None

    def _agency_for(self, rule: CompetenceRule, municipality_id: str | None) -> Agency | None:
        if rule.agency_id == MUNICIPAL_ADMINISTRATION:
            return self._administration_of.get(municipality_id) if municipality_id else None
        return self._agencies.get(rule.agency_id)
