"""The Locator: municipality, settlement, street and house from text, coordinates and channel context."""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import Point, shape
from shapely.prepared import prep

from otklik.domain.analysis import LocationGuess
from otklik.domain.geography import Municipality, Settlement
from otklik.domain.reference import ReferenceData
from otklik.nlp.gazetteer import TOPONYM_ENDINGS, Entry, Gazetteer, Place, nlp_data_dir
from otklik.nlp.road_mentions import RoadEnds, RoadMention, find_road
from otklik.nlp.streets import STREET_WORDS_AFTER, bare_street, scan_streets
from otklik.nlp.text.lemmas import grammemes, is_known_person_name, lemma, morph, word_spans

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
# «центральная районная больница»: its adjective is the district's.
DISTRICT_HOSPITALS = frozenset({"црб", "црбольница"})
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


# Words that open an address after the town: «Буй, ул. Октябрьская 12», «Шарья, мкр. Ветлужский».
ADDRESS_OPENERS = frozenset(
    [
        "ул",
        "улица",
        "пр",
        "пр-т",
        "просп",
        "проспект",
        "пер",
        "переулок",
        "пл",
        "площадь",
        "наб",
        "набережная",
        "мкр",
        "мкрн",
        "микрорайон",
        "б-р",
        "бульвар",
        "шоссе",
        "проезд",
        "д",
        "дом",
    ]
)
# Before an adjective these make it a street or a person's name: «ул. Галичская», «имени Островского».
NOT_PLACE_BEFORE = frozenset(["ул", "улица", "улице", "улицы", "пр", "пр-т", "пер", "пл", "наб", "им", "имени"])
# Lowercase forms that are function words are never a town («в нее» is «into her», not «в Нее»).
FUNCTION_WORDS = frozenset({"NPRO", "PREP", "CONJ", "PRCL", "ADVB", "INTJ"})
TOWN_TYPES = frozenset({"г", "пгт"})
# A village's adjective names it only before the noun of one of its institutions («Кокуйская школа», «Никольский
# ФАП»): elsewhere such adjectives are streets, surnames and churches' dedications too often.
INSTITUTION_NOUNS = frozenset(
    [
        "школа",
        "фап",
        "дк",
        "сдк",
        "клуб",
        "библиотека",
        "амбулатория",
        "администрация",
        "сельсовет",
        "поселение",
        "больница",
        "почта",
        "детсад",
        "детский",
        "садик",
        "кладбище",
        "лесничество",
        "фельдшерский",
        "водопровод",
        "котельная",
    ]
)
NAME_ADJECTIVE_ENDINGS = ("овский", "евский", "инский")  # тимофеевский, александровский: from a person's name
_NUMBERED = re.compile(r"-\d{1,2}$")
ROAD_CORRIDOR_KM = 25.0  # a village named «у деревни X» on a road is within this distance of its straight line
TOWN_POPULATION = 3000  # a lowercase common-word form («в буе») is taken for a town of at least this size
OPENING_POPULATION = 1000  # «Шунга Центральная 5»: a settlement this big may open a message without a comma
# «в тимофеевском», «под добрецовым»: a lowercase common-word village after one of these, when it is the only place
# of that name in the region and has at least this many residents (a hamlet of a few people is rarely written about).
VILLAGE_PREPOSITIONS = frozenset({"в", "во", "у", "под", "около", "возле", "близ", "за"})
VILLAGE_POPULATION = 50
# «под Добрецовым» is the surname-style instrumental of a toponym in -ово/-ино; after «с» it is a person («с Ивановым»).
INSTRUMENTAL_PREPOSITIONS = frozenset({"под", "за", "над", "перед", "между"})
# A street with no settlement (data/nlp/place_defaults.csv names the municipality): the regional centre is assumed,
# below the auto-assign threshold, so that a moderator confirms it (docs/places.md «Street with no settlement»).
STREET_ONLY_CONFIDENCE = 0.4
# A name several settlements share, nothing in the text to choose: the biggest is kept, and the place confidence is
# its share of their population scaled into [AMBIGUOUS_FLOOR, AMBIGUOUS_FLOOR + AMBIGUOUS_SPAN] — never confident.
AMBIGUOUS_FLOOR, AMBIGUOUS_SPAN = 0.25, 0.3
AMBIGUOUS_TOWN_CONFIDENCE = 0.7  # a town or district centre against villages of its name: people write about it
ALTERNATIVES_SHOWN = 4
# The kind of evidence the place rests on (`LocationGuess.evidence`), in the moderator's words.
EVIDENCE = {
    "coordinates": "по координатам",
    "name": "однозначное название",
    "adjective": "по прилагательному от названия",
    "district": "по упоминанию района",
    "channel": "по сообществу канала",
    "ambiguous_name": "название есть в нескольких районах — выбран вероятный, нужна проверка",
    "road": "дорога между населёнными пунктами",
    "street_only": "названа только улица — принят областной центр, нужна проверка",
    "landmark": "названа только примета города (троллейбус, областное учреждение) — нужна проверка",
}


@dataclass(frozen=True)
class Mention:
    entry: Entry
    position: int  # token index
    type_word: str | None  # the settlement type written before the name, folded («д», «с», «г»…)
    start: int = 0  # character offset in the located text
    length: int = 1  # tokens
    role: float = 0.0  # below zero when the place is only a destination or an origin


def _folded(token: str) -> str:
    return token.lower().replace("ё", "е")


class GazetteerLocator:
    """Finds places by gazetteer forms; resolves repeated names by district mentions, context and size."""

    def __init__(self, reference: ReferenceData, gazetteer: Gazetteer | None = None) -> None:
        self._reference = reference
        self._gazetteer = gazetteer or Gazetteer(reference)
        self._areas = [(mid, prep(shape(geometry))) for mid, geometry in reference.boundaries.items()]
        self._municipalities = {m.id: m for m in reference.municipalities}
        # Town okrugs (Кострома, Буй, Галич, Шарья, Мантурово, Волгореченск) are named as their centre.
        self._town_okrugs = {m.id for m in reference.municipalities if m.name == m.centre}
        self._capital = max(
            (s for s in reference.settlements if s.municipality_id in self._town_okrugs),
            key=lambda s: s.population or 0,
        ).municipality_id
        self._street_centre = _street_only_centre(reference)
        self._landmarks, self._landmark_places = _landmarks(reference)
        # Settlements that are their municipality's centre («георгиевское: …» opens a message like a town does).
        centres = {(m.id, m.centre) for m in reference.municipalities}
        self._centres = frozenset(s.id for s in reference.settlements if (s.municipality_id, s.name) in centres)
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
        full = (f"{address}. {text}" if address else text)[:5000]
        tokens = word_spans(full)
        lowered = _folded(full)
        if len(lowered) == len(full):  # one lower() of the text instead of one per token (same offsets)
            folded = [lowered[start:end] for _, start, end in tokens]
        else:
            folded = [_folded(t) for t, _, _ in tokens]
        found, streets = scan_streets(full)
        mentions = self._mentions(tokens, folded, full, streets)
        districts = self._district_mentions(folded)
        street, house = (found.street, found.house) if found else (None, None)
        if street is None:
            street, house = _street_after_opening_town(tokens, mentions)
        if lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon):
            by_point = self.municipality_at(lat, lon)
            if by_point is not None:
                return self._at_point(by_point, lat, lon, mentions, street, house)
        road = find_road(full)
        if road is not None:
            return self._on_road(road, mentions, districts, hint_municipality_id, street, house)
        guess = self._from_text(mentions, districts, hint_municipality_id, street, house)
        if guess.municipality_id is None and self._street_centre is not None:
            named = street or bare_street(full)
            if named is not None:
                return self._street_only(named, street, house)
        if guess.municipality_id is None and self._landmarks is not None:
            landmark = self._landmarks.search(lowered)
            if landmark is not None:
                return self._at_landmark(landmark, street, house)
        return guess

    def _at_landmark(self, found: re.Match[str], street: str | None, house: str | None) -> LocationGuess:
        """«троллейбус №2 ходит раз в 40 минут», «в областной библиотеке»: a thing only one town has
        (data/nlp/place_landmarks.csv), no place named — that town, as unsure as a street alone."""
        name = next(key for key, value in found.groupdict().items() if value)
        m = self._municipalities[self._landmark_places[name]]
        reason = f"место: названа только примета ({found.group(0)}) — принят {m.name}, нужна проверка"
        guess = _at_municipality(m, street, house, STREET_ONLY_CONFIDENCE, reason)
        return dataclasses.replace(guess, evidence="landmark")

    def _street_only(self, named: str, street: str | None, house: str | None) -> LocationGuess:
        """A street and no settlement: in this region such messages come overwhelmingly from the regional centre
        (docs/places.md), so it is assumed — with a low confidence that sends a municipal body to a moderator."""
        m = self._municipalities[self._street_centre or ""]
        reason = f"место: названа только улица ({named}) — принят областной центр {m.name}, нужна проверка"
        guess = _at_municipality(m, street or named, house, STREET_ONLY_CONFIDENCE, reason)
        return dataclasses.replace(guess, evidence="street_only")

    def _mentions(
        self,
        tokens: Sequence[tuple[str, int, int]],
        written: Sequence[str],
        text: str,
        streets: Sequence[tuple[int, int]],
    ) -> list[Mention]:
        folded = list(written)
        mentions = []
        by_first, adjectives = self._gazetteer.by_first, self._gazetteer.town_by_adjective
        for i, token in enumerate(written):
            # «Давыдовский-2», «в Давыдовском-3»: the numbered parts of a micro-district.
            key = _NUMBERED.sub("", token) if "-" in token else token
            if key not in by_first and key not in adjectives and key not in self._gazetteer.settlement_by_adjective:
                continue
            if streets and any(start <= tokens[i][1] < end for start, end in streets):
                continue  # «ул. Галичская», «ул. Сусанина»: a street's name, not the town
            if key != token:
                folded[i] = key
            for entry in by_first.get(key, ()):
                if tuple(folded[i : i + len(entry.tokens)]) != entry.tokens:
                    continue
                if not self._accepted(entry, tokens, folded, text, i):
                    continue
                previous = folded[i - 1] if i > 0 else ""
                # «д.»: the letter itself, its lemma would be «далее»
                type_word = (TYPE_OF.get(previous) or TYPE_OF.get(lemma(previous))) if previous else None
                mentions.append(Mention(entry, i, type_word, tokens[i][1], len(entry.tokens), self._role(folded, i)))
            adjective = adjectives.get(key)
            if adjective is not None and self._adjective_names_town(folded, tokens, text, i):
                mentions.append(Mention(adjective, i, None, tokens[i][1], 1))
            elif adjective is None and i + 1 < len(folded) and lemma(folded[i + 1]) in INSTITUTION_NOUNS:
                village = self._gazetteer.settlement_by_adjective.get(key)
                if village is not None:  # «Антроповская школа», «кокуйский фап»: a village's own institution
                    mentions.append(Mention(village, i, None, tokens[i][1], 1))
        return _longest(mentions)

    def _role(self, folded: Sequence[str], i: int) -> float:
        """A penalty for where the message only goes to or comes from: «везут в Галич», «из Мантурово ехали»."""
        previous = folded[i - 1] if i > 0 else ""
        if _after_road_word(folded, i):
            return 0.0  # «дорога на Шунгу», «трасса до Георгиевского»: the road named by where it leads
        if previous in ("до", "к", "ко") or (
            previous in ("в", "во", "на") and folded[i] in self._gazetteer.direction_forms
        ):
            return -2.0
        if previous in ("из", "от", "через", "со"):
            return -1.0
        return 0.0

    def _accepted(
        self, entry: Entry, tokens: Sequence[tuple[str, int, int]], folded: Sequence[str], text: str, i: int
    ) -> bool:
        """Whether a form stands for the place here: context word, capital letter, or an opening address."""
        end = i + len(entry.tokens)
        previous = folded[i - 1] if i > 0 else ""
        following = folded[end] if end < len(folded) else ""
        if entry.needs_keyword and not self._keyword_near(folded, i, len(entry.tokens)):
            return False
        if (
            previous == "на"
            and _villages_only(entry)
            and not _after_road_word(folded, i)
            and not self._keyword_near(folded, i, len(entry.tokens))
        ):
            return False  # «на Калиновской», «на Титова», «на Новый Быт»: streets; one lives «в» a village
        numbered = folded[i] != _folded(tokens[i][0])  # «Давыдовский-2»: a numbered micro-district, no adjective
        if entry.risk == 2 and len(entry.tokens) == 1 and not numbered and _modifies_noun(folded[i], tokens, text, end):
            return False  # «у Центрального рынка», «на Центральном стадионе»: an adjective, not the village
        if _surname_instrumental(entry, folded[i]) and previous not in INSTRUMENTAL_PREPOSITIONS:
            return False
        if entry.risk == 0:
            return True
        written = tokens[i][0]
        if i == 0 and _opens_message(entry, tokens, folded, text, end, self._is_centre(entry)):
            return True
        if written[:1].isupper() and not _sentence_start(text, tokens, i) and _is_town(entry, 10**9):
            return True  # «в соцзащите Буя»: a capital inside a sentence names the town
        preposition = previous in PREPOSITIONS
        context = (
            preposition
            or previous in TYPE_WORDS  # «д. Селище»: pymorphy3 reads «д» as an abbreviation of «далее»
            or lemma(previous) in TYPE_WORDS
            or following in self._gazetteer.municipality_by_adjective
        )
        if not context:
            return False
        if entry.risk == 2 and not written[:1].isupper():
            # «в буе опять нет света»: a lowercase town after a preposition, unless the form is a function word
            # («в нее» — unless a street follows: «в нее улица Любимова»).
            # «в нее по Коммунистической ямы»: after «в» a street in the message makes «нее» the town; «у нее на
            # Советской» stays «she has».
            plain = (
                not grammemes(folded[i]) & FUNCTION_WORDS
                or following in ADDRESS_OPENERS
                or (previous == "в" and _names_street(text))
                or (previous == "в" and i == 1 and not _verb(following))
            )
            if preposition and _is_town(entry, TOWN_POPULATION) and plain:
                return True
            if preposition and _micro_district(entry):
                return True  # «на давыдовском-3 во дворе»: Kostroma's micro-districts are written in lowercase too
            # «в матвеевском», «в крючкове»: after «в» a form with no common-word and no person's reading is the
            # village however small; after «у», «под», «за» a hamlet's name is more often a person («у петрова»)
            inside = previous in ("в", "во") and not is_known_person_name(folded[i])
            return (
                previous in VILLAGE_PREPOSITIONS
                and _known_village(entry, 0 if inside else VILLAGE_POPULATION)
                and not _common_word_after(folded[i], previous)
            )
        return True

    def _is_centre(self, entry: Entry) -> bool:
        return any(p.settlement is not None and p.settlement.id in self._centres for p in entry.places)

    @staticmethod
    def _adjective_names_town(folded: Sequence[str], tokens: Sequence[tuple[str, int, int]], text: str, i: int) -> bool:
        """«Нерехтская ЦРБ», «шарьинские дороги» — not «Шарьинский район» (the district), «Галичская улица»."""
        following = folded[i + 1] if i + 1 < len(folded) else ""
        previous = folded[i - 1] if i > 0 else ""
        if following in DISTRICT_NOUNS or lemma(following) in DISTRICT_NOUNS or following in STREET_WORDS_AFTER:
            return False
        if following.startswith(("област", "обл", "губерн")):
            return False  # «Костромская область»: the region, not the town
        # «А. Н. Островского»: an initial has its dot; «В Сусанинской средней школе» is a preposition.
        initial = (
            i > 0
            and len(tokens[i - 1][0]) == 1
            and tokens[i - 1][0].isupper()
            and text[tokens[i - 1][2] : tokens[i - 1][2] + 1] == "."
        )
        return previous not in NOT_PLACE_BEFORE and not initial

    @staticmethod
    def _keyword_near(folded: Sequence[str], start: int, length: int) -> bool:
        around = [*folded[max(0, start - 2) : start], *folded[start + length : start + length + 1]]
        return any(lemma(word) in KEYWORDS or word in KEYWORDS for word in around)

    def _district_mentions(self, folded: Sequence[str]) -> list[str]:
        """Municipalities named by their adjective and «район»/«округ»: «Шарьинского района»."""
        found = []
        for i, token in enumerate(folded):
            municipality_id = self._gazetteer.municipality_by_adjective.get(token)
            if municipality_id is None:
                continue
            following = folded[i + 1] if i + 1 < len(folded) else ""
            if following in DISTRICT_NOUNS or lemma(following) in DISTRICT_NOUNS:
                found.append(municipality_id)
            elif following in DISTRICT_HOSPITALS and token not in self._gazetteer.town_by_adjective:
                # «октябрьская црб»: the central district hospital is the district's, though the adjective names
                # no town («Нерехтская ЦРБ» is the town's adjective and is found as the town)
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
        """Each mention's most likely place (by size and context); among mentions the first one wins unless
        it is only a destination or origin («за таблетками в Шарью»): the population does not compare two places."""
        best: tuple[Place, Mention, float] | None = None
        spans: dict[tuple[int, int], list[Mention]] = {}
        for mention in sorted(mentions, key=lambda m: m.position):
            spans.setdefault((mention.position, mention.length), []).append(mention)
        for order, same in enumerate(spans.values()):
            # One written name, several entries («Красном»: Красное-на-Волге, Красный): their places compete.
            pairs = [(p, m) for m in same for p in m.entry.places]
            place, mention = max(pairs, key=lambda pm: self._score(pm[0], pm[1], districts, hint))
            score = self._score(place, mention, districts, hint)
            size = math.log10(((place.settlement.population or 0) if place.settlement else 0) + 10)
            rank = score - size / 2 + size / 40 + mention.role - 0.1 * order
            if best is None or rank > best[2]:
                best = (place, mention, rank)
        return best

    def _on_road(
        self,
        road: RoadMention,
        mentions: Sequence[Mention],
        districts: Sequence[str],
        hint: str | None,
        street: str | None,
        house: str | None,
    ) -> LocationGuess:
        """The place on the road («в районе Судиславля», «у деревни X»), else the road itself, between towns."""
        ends = [e for e in road.ends if self._is_road_end_pair(e)]
        if not ends and road.code is None:
            outward = [e for e in road.ends if self._leaves_region(e)]
            spans = [span for e in outward for span in e.spans]
            on_road = [m for m in mentions if not any(a <= m.start < b for a, b in spans)]
            if not outward or not on_road or len(on_road) == len(mentions):
                return self._from_text(mentions, districts, hint, street, house)
            # «трасса кострома — иваново у афёрова»: a road out of the region, the place on it named
            guess = self._from_text(on_road, districts, hint, street, house)
            name = f"{outward[0].first.capitalize()} — {outward[0].second.capitalize()}"
            return _on_road(guess, name)
        spans = [span for e in ends for span in e.spans]
        # «автобус Вохма — Шарья отменили, в больницу в шарью не доехать»: an end named again is still an end
        end_ids = {s.id for e in ends for s in (self._end_settlement(e.first), self._end_settlement(e.second)) if s}
        on_road = [
            m
            for m in mentions
            if not any(a <= m.start < b for a, b in spans)
            and not any(p.settlement is not None and p.settlement.id in end_ids for p in m.entry.places)
        ]
        name = road.code or self._road_name(ends[0])
        km = f", {road.km} км" if road.km is not None else ""
        if on_road or districts:
            if ends:
                on_road = [self._nearest_to_road(m, ends[0]) for m in on_road]
            guess = self._from_text(on_road, districts, hint, street, house)
            return _on_road(guess, f"{name}{km}", road=name)
        return self._between_ends(ends, name, km, street, house) if ends else self._road_only(name, km, street, house)

    def _between_ends(
        self, ends: Sequence[RoadEnds], name: str, km: str, street: str | None, house: str | None
    ) -> LocationGuess:
        """Only the two ends are known: the road is intercity (flagged, low certainty for a moderator to see); its
        municipality is the district end's — a road from a town okrug runs through the district, and from the
        regional capital through the other end's territory («Судиславль — Кострома» → Судиславский)."""
        candidates = [self._settlement_names(ends[0].first), self._settlement_names(ends[0].second)]
        ids = [next(iter(c)) for c in candidates if c]
        if not ids:
            return self._road_only(name, km, street, house)
        if len(set(ids)) == 1:
            m = self._municipalities[ids[0]]
            guess = _at_municipality(m, street, house, 0.6, f"место: дорога {name}{km} внутри {m.name}")
            return dataclasses.replace(guess, road=name, between_settlements=True, evidence="road")
        chosen = min(ids, key=lambda mid: (mid == self._capital, mid in self._town_okrugs, ids.index(mid)))
        m = self._municipalities[chosen]
        reason = f"место: дорога {name}{km} между населёнными пунктами, район конца дороги — {m.name}"
        guess = _at_municipality(m, street, house, 0.45, reason)
        return dataclasses.replace(guess, road=name, between_settlements=True, evidence="road")

    @staticmethod
    def _road_only(name: str, km: str, street: str | None, house: str | None) -> LocationGuess:
        reason = f"место: дорога {name}{km} — региональная, точка на дороге не указана"
        return LocationGuess(
            street=street,
            house=house,
            confidence=0.3,
            reasons=(reason,),
            road=name,
            between_settlements=True,
            evidence="road",
        )

    def _is_road_end_pair(self, ends: RoadEnds) -> bool:
        joined = _folded(f"{ends.first}-{ends.second}")
        if joined in self._gazetteer.by_first:
            return False  # «Николо-Шанга» is one village, not a road from Николо to Шанга
        return self._names_road_end(ends.first) and self._names_road_end(ends.second)

    def _names_road_end(self, word: str) -> bool:
        """A settlement's name; a common-word name («Луч», «Мир») only with a capital letter."""
        entries = self._gazetteer.by_first.get(_folded(word.split()[0]), ())
        if not any(e.places and any(p.settlement for p in e.places) for e in entries):
            return False
        # «кострома — буй у ченцова»: a lowercase common-word end only when it is a town («мир - луч» is no road),
        # or a district centre («георгиевское — мантурово»)
        return word[:1].isupper() or any(
            e.risk < 2 or _is_town(e, TOWN_POPULATION) or self._is_centre(e) for e in entries
        )

    def _road_name(self, ends: RoadEnds) -> str:
        """«Кострома — Кологрив» for «из Костромы в Кологрив»: the ends' settlements as the reference writes them."""
        names = []
        for word in (ends.first, ends.second):
            settlement = self._end_settlement(word)
            names.append(settlement.name if settlement is not None else word.capitalize())
        return " — ".join(names)

    def _leaves_region(self, ends: RoadEnds) -> bool:
        """«кострома — иваново»: one end a settlement of the region, the other a place pymorphy3 knows outside it."""
        first, second = self._names_road_end(ends.first), self._names_road_end(ends.second)
        if first == second:
            return False
        outside = _folded(ends.second if first else ends.first).split()[0]
        return "Geox" in grammemes(outside)

    def _nearest_to_road(self, mention: Mention, ends: RoadEnds) -> Mention:
        """Of the villages of one name, those near the road between its ends («у Завражья» on Кадый — Макарьев)."""
        first, second = self._end_settlement(ends.first), self._end_settlement(ends.second)
        if first is None or second is None or len(mention.entry.places) < 2:
            return mention
        near = tuple(
            p
            for p in mention.entry.places
            if p.settlement is not None and _km_to_segment(p.settlement, first, second) <= ROAD_CORRIDOR_KM
        )
        if not near:
            return mention
        return dataclasses.replace(mention, entry=dataclasses.replace(mention.entry, places=near))

    def _end_settlement(self, word: str) -> Settlement | None:
        words = tuple(_folded(word).split())
        found = [
            p.settlement
            for entry in self._gazetteer.by_first.get(words[0], ())
            if entry.tokens == words
            for p in entry.places
            if p.settlement is not None
        ]
        if not found:
            return self._end_settlement(words[0]) if len(words) > 1 else None
        return max(found, key=lambda s: s.population or 0)

    def _settlement_names(self, word: str) -> frozenset[str]:
        """Municipalities of the largest settlement a road end names («Кострома», «Галича»), empty if none."""
        words = tuple(_folded(word).split())
        places = [
            p
            for entry in self._gazetteer.by_first.get(words[0], ())
            if entry.tokens == words
            for p in entry.places
            if p.settlement is not None
        ]
        if not places:
            # «Шарья Вокзальная»: a capitalised word after the end that is no part of its name.
            return self._settlement_names(words[0]) if len(words) > 1 else frozenset()
        biggest = max(places, key=lambda p: (p.settlement.population or 0) if p.settlement else 0)
        return frozenset({biggest.municipality_id})

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
            guess = _at_municipality(m, street, house, 0.8, f"место: упомянут {m.official_name}")
            return dataclasses.replace(guess, evidence="district")
        if hint and hint in self._municipalities:
            m = self._municipalities[hint]
            guess = _at_municipality(m, street, house, 0.4, f"место: по сообществу канала — {m.name}")
            return dataclasses.replace(guess, evidence="channel")
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
        others = _other_places(place, mention.entry.places)
        alternatives: tuple[str, ...] = ()
        if mention.entry.adjective and not others:
            confidence, why, evidence = 0.8, f"по прилагательному «{mention.entry.tokens[0]}»", "adjective"
        elif not others:
            confidence, why, evidence = 0.9, "однозначное название", "name"
        elif place.municipality_id in districts:
            confidence, why, evidence = 0.85, "по упоминанию района", "district"
        elif hint and place.municipality_id == hint:
            confidence, why, evidence = 0.6, "по сообществу канала", "channel"
        else:
            confidence = _ambiguous_confidence(place, others, self._centres)
            alternatives = tuple(self._describe(p) for p in others[:ALTERNATIVES_SHOWN])
            more = f" и ещё {len(others) - ALTERNATIVES_SHOWN}" if len(others) > ALTERNATIVES_SHOWN else ""
            why = f"выбран крупнейший из одноимённых, другие: {', '.join(alternatives)}{more}"
            evidence = "ambiguous_name"
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
                evidence=evidence,
                alternatives=alternatives,
            )
        reason = f"место: {s.type}. {s.name} ({m.name}; {why})"
        return LocationGuess(
            m.id,
            m.name,
            s.id,
            s.name,
            street,
            house,
            s.lat,
            s.lon,
            confidence,
            (reason,),
            evidence=evidence,
            alternatives=alternatives,
        )

    def _describe(self, place: Place) -> str:
        m = self._municipalities[place.municipality_id]
        s = place.settlement
        return f"{s.type}. {s.name} ({m.name})" if s is not None else f"{place.name} ({m.name})"

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
            evidence="coordinates",
        )


def _km_to_segment(point: Settlement, a: Settlement, b: Settlement) -> float:
    """Distance from a settlement to the straight line between two others (equirectangular, good to a few km)."""
    scale = math.cos(math.radians((a.lat + b.lat) / 2))
    px, py = (point.lon - a.lon) * scale * 111.3, (point.lat - a.lat) * 111.3
    bx, by = (b.lon - a.lon) * scale * 111.3, (b.lat - a.lat) * 111.3
    length = bx * bx + by * by
    t = 0.0 if length == 0 else max(0.0, min(1.0, (px * bx + py * by) / length))
    return math.hypot(px - t * bx, py - t * by)


def _longest(mentions: Sequence[Mention]) -> list[Mention]:
    """Drop a mention inside a longer one: «Красном на Волге» is not «Красный»."""
    kept = []
    for mention in mentions:
        inside = any(
            other.length > mention.length and other.position <= mention.position < other.position + other.length
            for other in mentions
        )
        if not inside:
            kept.append(mention)
    return kept


def _is_town(entry: Entry, population: int) -> bool:
    return any(
        p.settlement is not None and (p.settlement.type in TOWN_TYPES or (p.settlement.population or 0) >= population)
        for p in entry.places
    )


def _verb(word: str) -> bool:
    """«в нее влюбились»: a message opening «в нее» and a verb is «into her»; «в нее на площадке …» is in Нея
    (with no verb before it, «в нее» cannot be a verb's object)."""
    return bool(word) and bool(grammemes(word) & {"VERB", "INFN", "PRTF", "PRTS", "GRND"})


def _names_street(text: str) -> bool:
    """«в нее по Коммунистической ямы»: a street in the message makes a function-word form the town («в Нее»)."""
    return scan_streets(text)[0] is not None or bare_street(text) is not None


def _known_village(entry: Entry, population: int) -> bool:
    """A settlement name whose biggest bearer has at least this many residents. A name several districts share is
    taken too: the locator keeps the biggest and says it guesses (`_ambiguous_confidence`)."""
    sizes = [p.settlement.population or 0 for p in entry.places if p.settlement is not None]
    return len(sizes) == len(entry.places) and max(sizes, default=0) >= population


def _micro_district(entry: Entry) -> bool:
    return bool(entry.places) and all(p.kind == "district" and p.settlement is None for p in entry.places)


def _other_places(chosen: Place, places: Sequence[Place]) -> list[Place]:
    """The places of the same name in other municipalities, biggest first (one per municipality)."""
    seen = {chosen.municipality_id}
    others = []
    for place in sorted(places, key=_population, reverse=True):
        if place.municipality_id not in seen:
            seen.add(place.municipality_id)
            others.append(place)
    return others


def _population(place: Place) -> int:
    return (place.settlement.population or 0) if place.settlement is not None else 0


def _ambiguous_confidence(chosen: Place, others: Sequence[Place], centres: frozenset[str]) -> float:
    """How sure a choice by size alone is: a town or district centre against villages of its name is likely (people
    write about the centre); between villages, the chosen one's share of their population, scaled to stay below
    any auto-assign threshold."""

    def prominent(place: Place) -> bool:
        s = place.settlement
        return s is not None and (s.type in TOWN_TYPES or s.id in centres)

    if prominent(chosen) and not any(prominent(p) for p in others):
        return AMBIGUOUS_TOWN_CONFIDENCE
    total = _population(chosen) + sum(_population(p) for p in others)
    share = (_population(chosen) + 1) / (total + 1 + len(others))
    return round(AMBIGUOUS_FLOOR + AMBIGUOUS_SPAN * share, 2)


def _landmarks(reference: ReferenceData) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One pattern of the things only one town of the region has (data/nlp/place_landmarks.csv), a named group per
    row, and each group's municipality id."""
    by_name = {m.name: m.id for m in reference.municipalities}
    groups, places = [], {}
    with (nlp_data_dir() / "place_landmarks.csv").open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            if row["municipality"] in by_name:
                groups.append(f"(?P<landmark{number}>{row['pattern']})")
                places[f"landmark{number}"] = by_name[row["municipality"]]
    if not groups:
        return None, places
    return re.compile(r"(?<![\w-])(?:" + "|".join(groups) + ")"), places


def _street_only_centre(reference: ReferenceData) -> str | None:
    """The municipality data/nlp/place_defaults.csv assumes for a street with no settlement (None: no such rule)."""
    by_name = {m.name: m.id for m in reference.municipalities}
    with (nlp_data_dir() / "place_defaults.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["rule"] == "street_only":
                return by_name.get(row["municipality"])
    return None


def _surname_instrumental(entry: Entry, form: str) -> bool:
    return form.endswith("ым") and any(p.name.lower().endswith(TOPONYM_ENDINGS) for p in entry.places)


@lru_cache(maxsize=20_000)
def _common_word_after(form: str, preposition: str) -> bool:
    """Whether some dictionary reading of a lowercase form is a common word that fits after the preposition.
    Not counted: names; adjectives from a person's name (тимофеевский, климовский — villages' names, rarely
    said of anything else) and possessives (стариков) unless qualitative; an animate plural after «в» (one
    lives in a village, not in birds or animals). Counted: «в лужках», «в советском», «у маяка», «в раю»."""
    for parse in morph().parse(form)[:4]:
        tag = parse.tag
        if not parse.is_known or {"Name", "Surn", "Patr", "Geox", "Orgn"} & tag.grammemes:
            continue
        named = str(parse.normal_form).endswith(NAME_ADJECTIVE_ENDINGS)
        if tag.POS == "ADJF" and "Qual" not in tag and (named or "Poss" in tag):
            continue
        animate_in = tag.POS == "NOUN" and "anim" in tag and tag.number == "plur" and tag.case == "loct"
        if animate_in and preposition in ("в", "во"):
            continue
        return True
    return False


def _opens_message(
    entry: Entry, tokens: Sequence[tuple[str, int, int]], folded: Sequence[str], text: str, end: int, centre: bool
) -> bool:
    """«Буй, ул. Октябрьская 12 …», «шарья вокзальная 5», «Минское, у дома культуры …», «Якшанга свет отключают»:
    the message opens with the place's name."""
    if end >= len(tokens):
        return False
    following = folded[end]
    if following in ADDRESS_OPENERS or lemma(following) in ADDRESS_OPENERS:
        return True
    number_next = end + 1 < len(tokens) and tokens[end + 1][0][:1].isdigit() and following.isalpha()
    if number_next and _is_town(entry, OPENING_POPULATION):
        return True
    capital = tokens[0][0][:1].isupper()
    gap = text[tokens[end - 1][2] : tokens[end][1]]
    comma = "," in gap
    if not capital and (centre or _is_town(entry, 10**9)) and any(mark in gap for mark in ":—–-"):
        return True  # «макарьев: в школе окна…», «нея — дороги…»: a town or district centre heads the message
    if capital and any(p.kind == "district" for p in entry.places):
        return True  # «Давыдовский-2 снег не чистят»
    if entry.risk == 1:
        if not capital:  # «макарьев без воды с утра»: a town or centre in lowercase, not a name before a name
            return (_is_town(entry, 10**9) or centre) and tokens[end][0][:1].islower()
        return _is_town(entry, OPENING_POPULATION // 3 if comma else OPENING_POPULATION)
    if capital:
        # «Минское, у дома культуры …», «Георгиевское ночью пожар был»: a common-word name opens the message.
        return _is_town(entry, OPENING_POPULATION if comma else OPENING_POPULATION * 2)
    return (_is_town(entry, 10**9) or centre) and not grammemes(folded[0]) & FUNCTION_WORDS


ROAD_WORDS = frozenset(["дорога", "трасса", "автодорога", "шоссе", "автобус", "маршрут", "рейс", "электричка"])


def _after_road_word(folded: Sequence[str], i: int) -> bool:
    return i >= 2 and folded[i - 1] in ("на", "до") and lemma(folded[i - 2]) in ROAD_WORDS


def _villages_only(entry: Entry) -> bool:
    return all(p.settlement is not None and p.settlement.type not in TOWN_TYPES for p in entry.places)


def _modifies_noun(form: str, tokens: Sequence[tuple[str, int, int]], text: str, end: int) -> bool:
    """An adjectival name followed by a lowercase noun it agrees with is that noun's adjective: «у Центрального
    рынка», «на Центральном стадионе» — not «в Островском канализация течёт», nor across a dash or a comma
    («георгиевское — мантурово дорога»)."""
    if end >= len(tokens) or not tokens[end][0][:1].islower():
        return False
    if text[tokens[end - 1][2] : tokens[end][1]].strip():
        return False
    following = _folded(tokens[end][0])
    if following in TYPE_WORDS or following in KEYWORDS or following in PREPOSITIONS or len(following) < 3:
        return False
    return _agree(form, following)


@lru_cache(maxsize=50_000)
def _agree(adjective: str, noun: str) -> bool:
    """Some reading of the first word is an adjective in the case, number and gender of a noun reading of the next —
    when the next word is most probably a noun: «в Островском уже неделю» is «already», not «in the Ostrovsky grass
    snake» (уже is also a form of «уж»)."""
    parses = morph().parse(noun)
    if parses[0].tag.POS != "NOUN":
        return False
    adjectives = [p.tag for p in morph().parse(adjective)[:4] if p.tag.POS == "ADJF"]
    # the cases of the most probable noun only: «у Богородского яма» is «яма», not the genitive of «ям»
    nouns = [p.tag for p in parses[:3] if p.tag.POS == "NOUN" and p.normal_form == parses[0].normal_form]
    for a in adjectives:
        for n in nouns:
            if a.case == n.case and a.number == n.number and (a.number == "plur" or a.gender == n.gender):
                return True
    return False


def _sentence_start(text: str, tokens: Sequence[tuple[str, int, int]], i: int) -> bool:
    if i == 0:
        return True
    between = text[tokens[i - 1][2] : tokens[i][1]]
    return any(mark in between for mark in ".!?\n")


def _street_after_opening_town(
    tokens: Sequence[tuple[str, int, int]], mentions: Sequence[Mention]
) -> tuple[str | None, str | None]:
    """«Шарья Вокзальная 5» — the word and number after an opening town are its street and house."""
    opening = next((m for m in mentions if m.position == 0 and not m.entry.adjective), None)
    if opening is None:
        return None, None
    end = opening.length
    if end + 1 >= len(tokens) or not tokens[end][0].isalpha() or not tokens[end + 1][0][:1].isdigit():
        return None, None
    if tokens[end][0].lower() in ADDRESS_OPENERS or len(tokens[end][0]) < 3:
        return None, None
    return tokens[end][0].capitalize(), tokens[end + 1][0]


def _at_municipality(
    m: Municipality, street: str | None, house: str | None, confidence: float, reason: str
) -> LocationGuess:
    """The municipality as a whole (its centre's point) when no settlement is known."""
    return LocationGuess(
        m.id, m.name, street=street, house=house, lat=m.lat, lon=m.lon, confidence=confidence, reasons=(reason,)
    )


def _on_road(guess: LocationGuess, where: str, road: str | None = None) -> LocationGuess:
    """The place named on a road, as the road's: the road in the reasons and the guess, and no more sure than a
    place on a road can be (the writer may name the nearest village, not the spot)."""
    return dataclasses.replace(
        guess,
        confidence=min(guess.confidence, 0.75),
        reasons=(*guess.reasons, f"место: на дороге {where}"),
        road=road or where,
        between_settlements=True,
        evidence=guess.evidence or "road",
    )
