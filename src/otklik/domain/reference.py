"""Reference data as one immutable snapshot: what the pipeline needs to know of the region."""

from __future__ import annotations

from dataclasses import dataclass, field

from otklik.domain.agency import Agency
from otklik.domain.competence import CompetenceMatrix, CompetenceRule
from otklik.domain.geography import Municipality, Settlement
from otklik.domain.rubricator import Rubricator


@dataclass(frozen=True)
class ReferenceData:
    region_code: int
    municipalities: tuple[Municipality, ...]
    settlements: tuple[Settlement, ...]
    agencies: tuple[Agency, ...]
    rubricator: Rubricator
    competence_rules: tuple[CompetenceRule, ...]
    # GeoJSON geometry (as parsed JSON) of each municipality by id; adapters turn it into shapes.
    boundaries: dict[str, dict[str, object]] = field(default_factory=dict, compare=False, repr=False)

    def municipality(self, municipality_id: str) -> Municipality | None:
        return next((m for m in self.municipalities if m.id == municipality_id), None)

    def municipality_by_name(self, name: str) -> Municipality | None:
        folded = name.strip().casefold()
        return next((m for m in self.municipalities if m.name.casefold() == folded), None)

    def agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self.agencies if a.id == agency_id), None)

    def competence_matrix(self) -> CompetenceMatrix:
        return CompetenceMatrix(self.competence_rules, {a.id: a for a in self.agencies})
