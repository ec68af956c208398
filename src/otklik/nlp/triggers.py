"""Which of many trigger literals a text holds, in one pass: the prefilter of the ownership rules and the cues.

A pattern list (ownership rules, problem cues) gives each pattern trigger substrings one of which every match
contains; only patterns with a trigger in the text need their regular expression searched. Testing each
substring with `in` costs about 0.2 µs a literal, and the lists hold a few hundred: tens of µs a message. Here
all literals are compiled into one trie-shaped regular expression and found with a single `findall` of a
look-ahead (every start position, so overlapping literals are all seen); a literal that is a prefix of a found
one is added, since at one position the trie reports only the longest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def _trie_pattern(literals: Iterable[str]) -> str:
    """«плат», «платеж», «тариф» → `(?:плат(?:еж)?|тариф)`: the regex engine follows one branch per character."""
    children: dict[str, list[str]] = {}
    ends_here = False
    for literal in literals:
        if not literal:
            ends_here = True
            continue
        children.setdefault(literal[0], []).append(literal[1:])
    if not children:
        return ""
    body = "(?:" + "|".join(re.escape(c) + _trie_pattern(rest) for c, rest in sorted(children.items())) + ")"
    return body + "?" if ends_here else body


class TriggerIndex:
    """Item i may match a text when one of its triggers is in it; an item without triggers always may."""

    def __init__(self, triggers: Sequence[Iterable[str] | None]) -> None:
        self._sets: list[frozenset[str] | None] = [None if t is None else frozenset(t) for t in triggers]
        literals = sorted({literal for t in self._sets if t is not None for literal in t if literal})
        self._pattern = re.compile("(?=(" + _trie_pattern(literals) + "))") if literals else None
        # the literals that are prefixes of each literal (itself included): what one trie hit stands for
        self._prefixes = {lit: frozenset(p for p in literals if lit.startswith(p)) for lit in literals}

    def present(self, text: str) -> frozenset[str]:
        """The trigger literals that occur in the text."""
        if self._pattern is None:
            return frozenset()
        found: set[str] = set()
        for hit in set(self._pattern.findall(text)):
            found |= self._prefixes[hit]
        return frozenset(found)

    def candidates(self, text: str) -> list[int]:
        """Indices (in order) of the items that may match the text."""
        present = self.present(text)
        return [i for i, triggers in enumerate(self._sets) if triggers is None or not triggers.isdisjoint(present)]
