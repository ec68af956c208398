"""Where this rubricator puts things that sound alike: rules that settle a choice between neighbouring groups.

The topic model learned its groups from the Kursk examples, which cover some groups thinly; between neighbours it
often picks the bigger one — a broken pavement as «Благоустройство», a power cut as «ЖКХ», a sewer leaking onto a
street as «Экология». `data/nlp/group_placement.csv` (the region edits it) writes down the rubricator's own
placement: a rule names the groups it corrects (`from_groups`), what the text must name (`pattern`), what vetoes
it (`unless`: a yard is «Благоустройство» even with a pit in it) and the group the thing belongs to. A rule only
moves the answer between the neighbours it lists, and says so in the explanation. The model's certainty that the
message is one of the two neighbours (the two probabilities together) stays the confidence: the rule settles
which of them, not whether the model read the text right.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from otklik.nlp.ownership import fold, leading_literals
from otklik.nlp.triggers import TriggerIndex

DATA_FILE = "group_placement.csv"


@dataclass(frozen=True)
class PlacementRule:
    name: str
    from_groups: frozenset[str]
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    to_group: str
    explanation: str  # «{match}» is filled with the words that decided


@dataclass(frozen=True)
class Placement:
    group: str
    rule: PlacementRule
    match: str

    def explain(self) -> str:
        return self.rule.explanation.replace("{match}", self.match)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{where}: bad pattern {pattern!r}: {error}") from error


def load_rules(path: Path, groups: Iterable[str]) -> list[PlacementRule]:
    """The rules of the file, checked against the rubricator's groups (an unknown group names its line)."""
    known = set(groups)
    rules = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name}, line {line}"
            from_groups = frozenset(g.strip() for g in row["from_groups"].split("|") if g.strip())
            if unknown := (from_groups | {row["to_group"]}) - known:
                raise ValueError(f"{where}: unknown groups {sorted(unknown)}")
            rules.append(
                PlacementRule(
                    row["name"],
                    from_groups,
                    _compile(row["pattern"], where),
                    _compile(row["unless"], where) if row["unless"].strip() else None,
                    row["to_group"],
                    row["explanation"],
                )
            )
    return rules


class GroupPlacement:
    """The first rule (in file order) that applies to the model's group and whose pattern the text names."""

    def __init__(self, rules: Sequence[PlacementRule]) -> None:
        self._rules = tuple(rules)
        self._index = TriggerIndex([leading_literals(r.pattern.pattern) for r in self._rules])

    def place(self, text: str, group: str) -> Placement | None:
        folded = fold(text)
        for i in self._index.candidates(folded):
            rule = self._rules[i]
            if group not in rule.from_groups:
                continue
            hit = rule.pattern.search(folded)
            if hit is None or (rule.unless is not None and rule.unless.search(folded)):
                continue
            return Placement(rule.to_group, rule, text[hit.start() : hit.end()])
        return None
