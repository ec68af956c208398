"""Builds the Understanding used by the pipeline. Baseline: keyword rules (the engine issue replaces them)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from shapely.geometry import Point, shape

from otklik.domain.agency import AgencyLevel
from otklik.domain.analysis import (
    CategoryGuess,
    Detection,
    LocationGuess,
    PersonalDataSpan,
    PriorityGuess,
    RoutingDecision,
)
from otklik.domain.appeal_kind import Priority
from otklik.domain.channels import Channel
from otklik.domain.reference import ReferenceData
from otklik.pipeline.components import NormalizedText, Understanding

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_PHONE = re.compile(r"(?:\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_WORD = re.compile(r"[а-яёa-z0-9-]+")

_GROUP_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Дороги": ("яма", "ямы", "дорог", "асфальт", "светофор", "разметк"),
    "Благоустройство": ("двор", "фонар", "освещени", "детск", "площадк", "дерев", "люк"),
    "ЖКХ": ("отоплен", "горяч", "холодн", "вод", "подъезд", "управляющ", "кровл", "труб"),
    "Мусор/Свалки/ТКО": ("мусор", "свалк", "контейнер", "тко"),
    "Здравоохранение/Медицина": ("врач", "больниц", "поликлиник", "скорая", "лекарств"),
    "Общественный транспорт": ("автобус", "маршрут", "остановк"),
    "Образование": ("школ", "детский сад", "садик", "учител"),
    "Социальное обслуживание и защита": ("пособи", "выплат", "пенси", "инвалид"),
    "Электроснабжение": ("электричеств", "свет отключ", "опор"),
}
_APPEAL_WORDS = ("прошу", "помогите", "нет ", "не работает", "когда", "почему", "сломан", "яма", "жалоб")
_URGENT_WORDS = ("прорыв", "оборван", "нет отоплени", "скорая не", "обрушен", "пожар")
_TOXIC_WORDS = ("дурак", "идиот", "дебил", "сволоч")


@dataclass(frozen=True)
class RegexNormalizer:
    def normalize(self, raw: str) -> NormalizedText:
        text = _SPACE.sub(" ", _TAG.sub(" ", html.unescape(raw))).strip()
        spans = [
            PersonalDataSpan(kind, m.start(), m.end())
            for kind, pattern in (("phone", _PHONE), ("email", _EMAIL))
            for m in pattern.finditer(text)
        ]
        masked = text
        for span in sorted(spans, key=lambda s: s.start, reverse=True):
            masked = masked[: span.start] + f"[{span.kind}]" + masked[span.end :]
        return NormalizedText(text=text, masked=masked, personal_data=tuple(spans))


@dataclass(frozen=True)
class KeywordDetector:
    def detect(self, text: str, *, channel: str | None) -> Detection:
        lowered = text.lower()
        toxic = any(w in lowered for w in _TOXIC_WORDS)
        if channel is not None and not Channel(channel).is_public_social:
            return Detection(True, 1.0, toxic, 1.0 if toxic else 0.0, ("канал обращений: всё — обращения",))
        hits = sum(w in lowered for w in _APPEAL_WORDS) + sum(
            any(k in lowered for k in keys) for keys in _GROUP_KEYWORDS.values()
        )
        score = min(1.0, hits / 3)
        return Detection(score >= 0.34, score, toxic, 1.0 if toxic else 0.0, (f"признаки обращения: {hits}",))


@dataclass(frozen=True)
class KeywordClassifier:
    def classify(self, text: str) -> CategoryGuess | None:
        lowered = text.lower()
        scores = {g: sum(k in lowered for k in keys) for g, keys in _GROUP_KEYWORDS.items()}
        group, hits = max(scores.items(), key=lambda kv: kv[1])
        if hits == 0:
            return None
        return CategoryGuess(group, None, min(0.9, 0.4 + 0.2 * hits), (f"ключевые слова группы «{group}»",))


@dataclass(frozen=True)
class KeywordPriority:
    reference: ReferenceData

    def assess(self, text: str, category: CategoryGuess | None) -> PriorityGuess:
        lowered = text.lower()
        words = [w for w in _URGENT_WORDS if w in lowered]
        if words:
            return PriorityGuess(Priority.HIGH, ("срочно: " + ", ".join(words),))
        topic = self.reference.rubricator.topic(category.topic) if category and category.topic else None
        if topic is not None and topic.priority:
            return PriorityGuess(Priority.HIGH, ("приоритетная тема рубрикатора",))
        return PriorityGuess(Priority.NORMAL)


class GazetteerLocator:
    def __init__(self, reference: ReferenceData) -> None:
        self._reference = reference
        self._shapes = {mid: shape(geometry) for mid, geometry in reference.boundaries.items()}
        self._names = {m.name.lower(): m for m in reference.municipalities}

    def locate(
        self,
        text: str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        address: str | None = None,
        hint_municipality_id: str | None = None,
    ) -> LocationGuess:
        if lat is not None and lon is not None:
            point = Point(lon, lat)
            for mid, area in self._shapes.items():
                if area.contains(point):
                    m = self._reference.municipality(mid)
                    name = m.name if m else None
                    return LocationGuess(mid, name, lat=lat, lon=lon, confidence=1.0, reasons=("по координатам",))
        words = _WORD.findall(f"{address or ''} {text}".lower())
        for word in words:
            for stem_len in (len(word), len(word) - 1, len(word) - 2):
                stem = word[:stem_len]
                m = self._names.get(stem) or self._names.get(stem + "а") or self._names.get(stem + "я")
                if m is not None and stem_len >= 3:
                    return LocationGuess(m.id, m.name, lat=m.lat, lon=m.lon, confidence=0.6,
                                         reasons=(f"упомянут «{m.name}»",))
        if hint_municipality_id and (m := self._reference.municipality(hint_municipality_id)):
            return LocationGuess(m.id, m.name, confidence=0.3, reasons=("по сообществу",))
        return LocationGuess()


class MatrixRouter:
    def __init__(self, reference: ReferenceData) -> None:
        self._reference = reference
        self._matrix = reference.competence_matrix()

    def route(self, text: str, category: CategoryGuess | None, location: LocationGuess) -> RoutingDecision | None:
        if category is None:
            return None
        competence = self._matrix.resolve(category.group, category.topic, location.municipality_id)
        if competence is None:
            return None
        agency = competence.agency
        served = self._reference.municipality(agency.municipality_id) if agency.municipality_id else None
        confidence = category.confidence if agency.level is AgencyLevel.REGIONAL else min(
            category.confidence, location.confidence
        )
        return RoutingDecision(agency.id, agency.name, agency.level, served.name if served else None,
                               confidence, "matrix", (competence.explain(),))


def build_understanding(reference: ReferenceData, *, auto_assign_threshold: float = 0.5) -> Understanding:
    return Understanding(
        normalizer=RegexNormalizer(),
        detector=KeywordDetector(),
        classifier=KeywordClassifier(),
        priority=KeywordPriority(reference),
        locator=GazetteerLocator(reference),
        router=MatrixRouter(reference),
        auto_assign_threshold=auto_assign_threshold,
    )
