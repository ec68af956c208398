"""Analysis of messages end to end (the pipeline's understanding stages) into plain JSON-ready dicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from otklik.nlp.features import Featurizer
from otklik.nlp.locator import EVIDENCE
from otklik.pipeline.components import Understanding
from otklik.pipeline.context import PipelineContext
from otklik.pipeline.runner import Pipeline, understanding_stages


@dataclass(frozen=True)
class Message:
    text: str
    channel: str | None = None
    lat: float | None = None
    lon: float | None = None
    hint_municipality_id: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Message:
        def number(key: str) -> float | None:
            value = data.get(key)
            return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

        channel = data.get("channel")
        hint = data.get("municipality_id") or data.get("hint_municipality_id")
        return cls(
            str(data.get("text") or ""),
            str(channel) if channel else None,
            number("lat"),
            number("lon"),
            str(hint) if hint else None,
        )


def _featurizer(understanding: Understanding) -> Featurizer | None:
    featurizer = getattr(understanding.classifier, "featurizer", None)
    return featurizer if isinstance(featurizer, Featurizer) else None


def result_dict(ctx: PipelineContext) -> dict[str, Any]:
    detection, category, location, routing = ctx.detection, ctx.category, ctx.location, ctx.routing
    appeal = ctx.is_appeal
    return {
        "is_appeal": appeal,
        "appeal_score": round(detection.appeal_score, 4) if detection else 1.0,
        "toxic": bool(detection and detection.toxic),
        "category": {"group": category.group, "topic": category.topic, "confidence": round(category.confidence, 4)}
        if category and appeal
        else None,
        "location": {
            "municipality": location.municipality if location else None,
            "settlement": location.settlement if location else None,
            "street": location.street if location else None,
            "house": location.house if location else None,
            "lat": location.lat if location else None,
            "lon": location.lon if location else None,
            # How sure the place is and why (a municipal body is at most as sure as its place).
            "confidence": round(location.confidence, 4) if location else 0.0,
            "evidence": EVIDENCE.get(location.evidence or "") if location else None,
            "alternatives": list(location.alternatives) if location else [],
        },
        "agency": {
            "id": routing.agency_id,
            "name": routing.agency_name,
            "level": routing.level.value,
            "municipality": routing.municipality,
        }
        if routing and appeal
        else None,
        "priority": ctx.priority.priority.value if ctx.priority and appeal else "normal",
        "needs_moderation": bool(appeal and ctx.needs_moderation),
        "explanation": list(ctx.explanation),
        "masked_text": ctx.normalized.masked if ctx.normalized else "",
    }


def analyze_messages(understanding: Understanding, messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Results in input order; the texts of the batch are vectorised together first (the fast path)."""
    normalize, *stages = understanding_stages(understanding)
    contexts = [
        PipelineContext(
            raw_text=m.text, channel=m.channel, lat=m.lat, lon=m.lon, hint_municipality_id=m.hint_municipality_id
        )
        for m in messages
    ]
    for ctx in contexts:
        normalize(ctx)
    featurizer = _featurizer(understanding)
    if featurizer is not None:
        featurizer.prepare([ctx.text for ctx in contexts])
    rest = Pipeline(stages)
    results = []
    for ctx in contexts:
        rest.run(ctx)
        results.append(result_dict(ctx))
    return results
