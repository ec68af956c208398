"""The decision score: how likely «this body, this topic» is right, as a calibrated probability.

The route stage auto-routes an appeal when this score reaches `auto_assign_threshold`. It replaces the minimum of the
raw confidences (topic, route): those are not probabilities of the same thing, and the minimum throws away what the
other stages know — whether the owner of a named object decided, whether the rules and the learned router agree,
what the place rests on. A small logistic model over these signals (`decision_features`) is fitted out-of-fold on
the pooled Kostroma tuning sets by `bench/fit_decision_score.py` and shipped as data
(`data/nlp/decision_score.csv`: one weight per feature, with its Russian name for the moderator). A feature the
file does not know weighs nothing, so new signals (a field the locator starts to fill) can arrive before the re-fit;
docs/evaluation-kostroma.md says how the score is built and the threshold chosen.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from otklik.domain.agency import AgencyLevel
from otklik.domain.analysis import CategoryGuess, Detection, LocationGuess, RoutingDecision
from otklik.nlp.corpora import nlp_dir
from otklik.nlp.router import UNPLACED_WORDS

DECISION_FILE = "decision_score.csv"
INTERCEPT = "(intercept)"
SOCIAL_CHANNELS = frozenset({"vk", "telegram", "ok"})
# The place fields the locator fills as names: whether each is there is a feature («the street is named»).
_NAMED_PLACE_FIELDS = ("municipality_id", "settlement_id", "street", "house")
# Fields that are not evidence of anything (free text for people, coordinates, the names above).
_SKIPPED_PLACE_FIELDS = frozenset(
    {"municipality", "settlement", "reasons", "confidence", "lat", "lon", "road", *_NAMED_PLACE_FIELDS}
)
_ROUTE_SOURCES = ("ownership", "matrix+learned", "matrix", "learned", "memory")


def decision_features(
    text: str,
    channel: str | None,
    detection: Detection | None,
    category: CategoryGuess | None,
    routing: RoutingDecision | None,
    location: LocationGuess,
) -> dict[str, float]:
    """The signals of the stages as named numbers (0/1 flags and 0..1 values)."""
    features: dict[str, float] = {
        "topic_confidence": category.confidence if category else 0.0,
        "route_confidence": routing.confidence if routing else 0.0,
        "weakest_confidence": min(category.confidence, routing.confidence) if category and routing else 0.0,
        "place_confidence": location.confidence,
        "appeal_score": detection.appeal_score if detection else 1.0,
        "social_channel": float(channel in SOCIAL_CHANNELS),
        "text_length": min(math.log1p(len(text.split())) / 5.0, 1.0),
    }
    if category is not None:
        features[f"group={category.group}"] = 1.0  # some groups are confused with their neighbours more often
        features.update(category_features(category))
    if routing is not None:
        features["body=municipal" if routing.level is AgencyLevel.MUNICIPAL else f"body={routing.agency_id}"] = 1.0
        features[f"route_source={routing.source}" if routing.source in _ROUTE_SOURCES else "route_source=other"] = 1.0
        features["place_unnamed_object"] = float(any(UNPLACED_WORDS in r for r in routing.reasons))
    features.update(place_features(location))
    return features


def category_features(category: CategoryGuess) -> dict[str, float]:
    """What the classifier knows beyond its confidence: the group model's own probability, whether a placement rule
    moved the message to a neighbouring group, whether a topic was named (no model fields: a remembered correction)."""
    features = {"topic_named": float(category.topic is not None)}
    if category.group_probability is not None:
        features["group_probability"] = category.group_probability
        features["group_placed"] = float(category.model_group != category.group)
    if category.group_margin is not None:
        features["group_margin"] = category.group_margin
    return features


def place_features(location: LocationGuess) -> dict[str, float]:
    """What the place rests on: which parts are named, whether a road between towns, and every further field the
    locator exposes (an evidence kind → a flag per value, a list → whether it is non-empty), read generically so a
    new field is a feature as soon as the locator fills it."""
    features = {f"place_{name}_named": float(bool(getattr(location, name, None))) for name in _NAMED_PLACE_FIELDS}
    features["place_road"] = float(bool(location.road))
    for name in _further_fields(type(location)):
        value = getattr(location, name)
        if isinstance(value, bool):
            features[f"place_{name}"] = float(value)
        elif isinstance(value, str) and value:
            features[f"place_{name}={value}"] = 1.0
        elif isinstance(value, tuple | list | frozenset):
            features[f"place_{name}"] = float(bool(value))
        elif isinstance(value, float) and 0.0 <= value <= 1.0:
            features[f"place_{name}"] = value
    return features


_FURTHER_FIELDS: dict[str, tuple[str, ...]] = {}  # location class → its further field names, read once


def _further_fields(kind: type[LocationGuess]) -> tuple[str, ...]:
    """The fields of a location class beyond the names and free text (once per class: the speed budget)."""
    key = f"{kind.__module__}.{kind.__qualname__}"
    if key not in _FURTHER_FIELDS:
        _FURTHER_FIELDS[key] = tuple(f.name for f in dataclasses.fields(kind) if f.name not in _SKIPPED_PLACE_FIELDS)
    return _FURTHER_FIELDS[key]


@dataclass(frozen=True)
class Decision:
    score: float  # the probability that body and topic are both right
    reasons: tuple[str, ...]  # Russian: the signals that raised and lowered it most


@dataclass(frozen=True)
class DecisionModel:
    intercept: float
    weights: Mapping[str, float]
    labels: Mapping[str, str]  # feature → its Russian name for the explanation

    def decide(self, features: Mapping[str, float]) -> Decision:
        contributions = {name: self.weights[name] * value for name, value in features.items() if name in self.weights}
        logit = self.intercept + sum(contributions.values())
        score = 1.0 / (1.0 + math.exp(-max(min(logit, 30.0), -30.0)))
        return Decision(score, self._explain(contributions))

    def _explain(self, contributions: Mapping[str, float]) -> tuple[str, ...]:
        ranked = sorted((c, name) for name, c in contributions.items() if abs(c) >= 0.05)
        against = [self.labels.get(name, name) for c, name in ranked[:2] if c < 0]
        for_ = [self.labels.get(name, name) for c, name in reversed(ranked[-2:]) if c > 0]
        parts = []
        if for_:
            parts.append("за: " + ", ".join(for_))
        if against:
            parts.append("против: " + ", ".join(against))
        return tuple(parts)


def load_decision_model(path: Path) -> DecisionModel:
    """The weights file: `feature,weight,label` with an `(intercept)` row."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    intercept = next((float(r["weight"]) for r in rows if r["feature"] == INTERCEPT), None)
    if intercept is None:
        raise ValueError(f"{path.name}: no {INTERCEPT} row")
    weights = {r["feature"]: float(r["weight"]) for r in rows if r["feature"] != INTERCEPT}
    labels = {r["feature"]: r["label"] for r in rows if r["feature"] != INTERCEPT}
    return DecisionModel(intercept, weights, labels)


@lru_cache(maxsize=1)
def shipped_decision_model() -> DecisionModel:
    return load_decision_model(nlp_dir() / DECISION_FILE)


@dataclass(frozen=True)
class DecisionScorer:
    """The route stage's scorer (`pipeline.components.DecisionScorer`): features of the message, then the model."""

    model: DecisionModel

    def decide(
        self,
        text: str,
        channel: str | None,
        detection: Detection | None,
        category: CategoryGuess | None,
        routing: RoutingDecision | None,
        location: LocationGuess,
    ) -> Decision:
        return self.model.decide(decision_features(text, channel, detection, category, routing, location))
