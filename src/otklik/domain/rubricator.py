"""The rubricator: a two-level taxonomy of problems (group → topic) with priority and active flags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PRIORITY_MARK = "★"


@dataclass(frozen=True)
class Topic:
    name: str
    group: str
    priority: bool = False  # «★» topics: life, health, heat, safety — shorter deadlines
    active: bool = True


@dataclass(frozen=True)
class TopicGroup:
    name: str
    active: bool = True
    topics: tuple[Topic, ...] = ()


@dataclass(frozen=True)
class Rubricator:
    groups: tuple[TopicGroup, ...]
    _by_topic: dict[str, Topic] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for group in self.groups:
            for topic in group.topics:
                self._by_topic[topic.name] = topic

    def topic(self, name: str) -> Topic | None:
        return self._by_topic.get(name)

    def group(self, name: str) -> TopicGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def active_topics(self) -> Iterable[Topic]:
        return (t for g in self.groups if g.active for t in g.topics if t.active)


def split_priority_mark(raw_topic: str) -> tuple[str, bool]:
    """«★ Ямы во дворах» → («Ямы во дворах», True): the star marks a priority topic in the source."""
    text = raw_topic.strip()
    if text.startswith(PRIORITY_MARK):
        return text[len(PRIORITY_MARK) :].strip(), True
    return text, False
