"""The Locator: municipality, settlement, street and house from text, coordinates and channel context."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import Point, shape
from shapely.prepared import prep

from otklik.domain.analysis import LocationGuess
from otklik.domain.geography import Municipality
from otklik.domain.reference import ReferenceData
from otklik.nlp.gazetteer import Entry, Gazetteer, Place
from otklik.nlp.streets import find_address
from otklik.nlp.text.lemmas import lemma, word_spans

PREPOSITIONS = frozenset(
    [
        "в",
        "во",
        "из",
        "у",
        "около",
        "возле",
        "под",
        "до",
        "на",
        "к",
        "ко",
        "по",
        "от",
        "за",
        "через",
        "близ",
        "с",
        "со",
        "между",
    ]
)
TYPE_WORDS = frozenset(
    [
        "д",
        "дер",
        "деревня",
        "село",
        "с",
        "п",
        "пос",
        "поселок",
        "пгт",
        "г",
        "гор",
        "город",
        "рп",
        "ст",
        "станция",
        "х",
        "хутор",
        "нп",
        "мкр",
        "микрорайон",
        "район",
    ]
)
KEYWORDS = frozenset({"район", "микрорайон", "мкр", "мкрн", "р-н", "р-на", "р-не", "округ"})
DISTRICT_NOUNS = frozenset({"район", "округ", "муниципальный", "р-н", "р-на", "р-не", "р-ну", "мо", "рн"})
TYPE_OF = {
    "деревня": "д",
    "дер": "д",
    "д": "д",
    "село": "с",
    "с": "с",
    "поселок": "п",
    "пос": "п",
    "п": "п",
    "пгт": "пгт",
    "город": "г",
    "г": "г",
    "гор": "г",
}


@dataclass(frozen=True)
class Mention:
    entry: Entry
    position: int  # token index
    type_word: str | None  # the settlement type written before the name, folded («д», «с», «г»…)


def _folded(token: str) -> str:
    return token.lower().replace("ё", "е")


class GazetteerLocator:
    """Finds places by gazetteer forms; resolves repeated names by district mentions, context and size."""

    def __init__(self, reference: ReferenceData, gazetteer: Gazetteer | None = None) -> None:
        self._reference = reference
        self._gazetteer = gazetteer or Gazetteer(reference)
        self._areas = [(mid, prep(shape(geometry))) for mid, geometry in reference.boundaries.items()]
        self._municipalities = {m.id: m for m in reference.municipalities}
        self._max_entry_len = max((len(e.tokens) for es in self._gazetteer.by_first.values() for e in es), default=1)

    def municipality_at(self, lat: float, lon: float) -> str | None:
        point = Point(lon, lat)
        return next((mid for mid, area in self._areas if area.contains(point)), None)

    def locate(
        self,
        text: str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        address: str | None = None,
        hint_municipality_id: str | None = None,
    ) -> LocationGuess:
        full = f"{address}. {text}" if address else text
        tokens = word_spans(full[:5000])
        mentions = self._mentions(tokens)
        districts = self._district_mentions(tokens)
        found = find_address(full[:5000])
        street, house = (found.street, found.house) if found else (None, None)
        if lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon):
            by_point = self.municipality_at(lat, lon)
            if by_point is not None:
                return self._at_point(by_point, lat, lon, mentions, street, house)
        return self._from_text(mentions, districts, hint_municipality_id, street, house)

    def _mentions(self, tokens: Sequence[tuple[str, int, int]]) -> list[Mention]:
        folded = [_folded(t) for t, _, _ in tokens]
        mentions = []
        for i, token in enumerate(folded):
            for entry in self._gazetteer.by_first.get(token, ()):
                if tuple(folded[i : i + len(entry.tokens)]) != entry.tokens:
                    continue
                previous = folded[i - 1] if i > 0 else ""
                following = folded[i + len(entry.tokens)] if i + len(entry.tokens) < len(folded) else ""
                context = (
                    previous in PREPOSITIONS
                    or lemma(previous) in TYPE_WORDS
                    or following in self._gazetteer.municipality_by_adjective
                )
                if entry.risk >= 1 and not context:
                    continue
                if entry.risk == 2 and not tokens[i][0][:1].isupper():
                    continue
                if entry.needs_keyword and not self._keyword_near(folded, i, len(entry.tokens)):
                    continue
                type_word = TYPE_OF.get(lemma(previous)) if previous else None
                mentions.append(Mention(entry, i, type_word))
        return mentions

    @staticmethod
    def _keyword_near(folded: Sequence[str], start: int, length: int) -> bool:
        around = [*folded[max(0, start - 2) : start], *folded[start + length : start + length + 1]]
        return any(lemma(word) in KEYWORDS or word in KEYWORDS for word in around)

    def _district_mentions(self, tokens: Sequence[tuple[str, int, int]]) -> list[str]:
        """Municipalities named by their adjective and «район»/«округ»: «Шарьинского района»."""
        folded = [_folded(t) for t, _, _ in tokens]
        found = []
        for i, token in enumerate(folded):
            municipality_id = self._gazetteer.municipality_by_adjective.get(token)
            if municipality_id is None:
                continue
            following = folded[i + 1] if i + 1 < len(folded) else ""
            if following in DISTRICT_NOUNS or lemma(following) in DISTRICT_NOUNS:
                found.append(municipality_id)
        return found

    def _score(self, place: Place, mention: Mention, districts: Sequence[str], hint: str | None) -> float:
        score = 0.0
        if place.municipality_id in districts:
            score += 4.0
        if hint and place.municipality_id == hint:
            score += 1.5
        settlement = place.settlement
        if settlement is not None:
            if mention.type_word and mention.type_word == settlement.type:
                score += 1.0
            score += math.log10((settlement.population or 0) + 10) / 2
        elif place.kind == "district":
            score += 1.5
        return score

    def _best(
        self, mentions: Sequence[Mention], districts: Sequence[str], hint: str | None
    ) -> tuple[Place, Mention, float] | None:
        best: tuple[Place, Mention, float] | None = None
        for mention in mentions:
            for place in mention.entry.places:
                score = self._score(place, mention, districts, hint) - 0.01 * mention.position
                if best is None or score > best[2]:
                    best = (place, mention, score)
        return best

    def _from_text(
        self,
        mentions: Sequence[Mention],
        districts: Sequence[str],
        hint: str | None,
        street: str | None,
        house: str | None,
    ) -> LocationGuess:
        best = self._best(mentions, districts, hint)
        if best is not None and (not districts or best[0].municipality_id in districts):
            return self._guess(best[0], best[1], districts, hint, street, house)
        if districts:
            m = self._municipalities[districts[0]]
            return _at_municipality(m, street, house, 0.8, f"место: упомянут {m.official_name}")
        if hint and hint in self._municipalities:
            m = self._municipalities[hint]
            return _at_municipality(m, street, house, 0.4, f"место: по сообществу канала — {m.name}")
        return LocationGuess(street=street, house=house, reasons=("место: не определено",))

    def _guess(
        self,
        place: Place,
        mention: Mention,
        districts: Sequence[str],
        hint: str | None,
        street: str | None,
        house: str | None,
    ) -> LocationGuess:
        m = self._municipalities[place.municipality_id]
        candidates = len({p.municipality_id for p in mention.entry.places})
        if candidates == 1:
            confidence, why = 0.9, "однозначное название"
        elif place.municipality_id in districts:
            confidence, why = 0.85, "по упоминанию района"
        elif hint and place.municipality_id == hint:
            confidence, why = 0.6, "по сообществу канала"
        else:
            confidence, why = 0.45, f"из {candidates} одноимённых выбран крупнейший"
        s = place.settlement
        if s is None:
            return LocationGuess(
                m.id,
                m.name,
                street=street,
                house=house,
                lat=m.lat,
                lon=m.lon,
                confidence=confidence,
                reasons=(f"место: «{place.name}» → {m.name}",),
            )
        reason = f"место: {s.type}. {s.name} ({m.name}; {why})"
        return LocationGuess(m.id, m.name, s.id, s.name, street, house, s.lat, s.lon, confidence, (reason,))

    def _at_point(
        self,
        municipality_id: str,
        lat: float,
        lon: float,
        mentions: Sequence[Mention],
        street: str | None,
        house: str | None,
    ) -> LocationGuess:
        m = self._municipalities[municipality_id]
        inside = [
            p
            for mention in mentions
            for p in mention.entry.places
            if p.municipality_id == municipality_id and p.settlement is not None
        ]
        s = inside[0].settlement if inside else None
        return LocationGuess(
            m.id,
            m.name,
            s.id if s else None,
            s.name if s else None,
            street,
            house,
            lat,
            lon,
            1.0,
            (f"место: по координатам — {m.name}",),
        )


def _at_municipality(
    m: Municipality, street: str | None, house: str | None, confidence: float, reason: str
) -> LocationGuess:
    """The municipality as a whole (its centre's point) when no settlement is known."""
    return LocationGuess(
        m.id, m.name, street=street, house=house, lat=m.lat, lon=m.lon, confidence=confidence, reasons=(reason,)
    )
