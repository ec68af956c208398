"""Golden places: every municipality in the forms people write (cases, adjectives, lowercase, «Город, улица»,
roads between towns, districts named by their centre) and names that must not win over a clear signal.

Expected municipalities are written by hand from the map of Kostroma Oblast, not read from the gazetteer."""

from __future__ import annotations

import csv

import pytest

from otklik.domain.reference import ReferenceData
from otklik.nlp.gazetteer import Gazetteer, nlp_data_dir
from otklik.nlp.locator import GazetteerLocator


@pytest.fixture(scope="module")
def locator(reference: ReferenceData) -> GazetteerLocator:
    return GazetteerLocator(reference, Gazetteer(reference))


# (text, municipality as in municipalities.csv, settlement or None)
CASES = [
    # The oblast's capital and the town okrugs, in several cases and lowercase.
    ("В Костроме на ул. Советской яма", "Кострома", "Кострома"),
    ("из костромы не дозвониться в поликлинику", "Кострома", "Кострома"),
    ("в Буе опять света нет", "Буй", "Буй"),
    ("в буе опять света нет третий день", "Буй", "Буй"),
    ("в соцзащите Буя разводят руками", "Буй", "Буй"),
    ("Буйская ЦРБ не принимает без записи", "Буй", "Буй"),
    ("в Волгореченске нет горячей воды", "Волгореченск", "Волгореченск"),
    ("в волгореченской больнице нет детского хирурга", "Волгореченск", "Волгореченск"),
    ("в Галиче на ул Ленина яма", "Галич", "Галич"),
    ("галичские дороги хуже некуда", "Галич", "Галич"),
    ("к Мантурову дорога разбита", "Мантурово", "Мантурово"),
    ("в Мантурово сломался автобус", "Мантурово", "Мантурово"),
    ("Мантуровская поликлиника закрыта на ремонт", "Мантурово", "Мантурово"),
    ("в Шарье нет воды", "Шарья", "Шарья"),
    ("шарьинские дороги ужас", "Шарья", "Шарья"),
    # District centres: cases, lowercase, the centre's adjective.
    ("в Антропове закрыли школу", "Антроповский", "Антропово"),
    ("антроповская больница без терапевта", "Антроповский", "Антропово"),
    ("вохма без света", "Вохомский", "Вохма"),
    ("в Вохме снег не чистят", "Вохомский", "Вохма"),
    ("в Кадые нет воды", "Кадыйский", "Кадый"),
    ("кадыйская школа без отопления", "Кадыйский", "Кадый"),
    ("Кологрив без воды", "Кологривский", "Кологрив"),
    ("в Кологриве упало дерево на провода", "Кологривский", "Кологрив"),
    ("в Красном-на-Волге не вывозят мусор", "Красносельский", "Красное-на-Волге"),
    ("в Красном на Волге нет воды", "Красносельский", "Красное-на-Волге"),
    ("МФЦ в Красном работает два дня в неделю", "Красносельский", "Красное-на-Волге"),
    ("красносельская больница рентген сломан", "Красносельский", "Красное-на-Волге"),
    ("в Макарьеве грязно на улицах", "Макарьевский", "Макарьев"),
    ("из Макарьева автобус не ходит", "Макарьевский", "Макарьев"),
    ("в Георгиевском котельная встала", "Межевской", "Георгиевское"),
    ("в Нее нет воды", "Нейский", "Нея"),
    ("Нейская больница роддом закрыли", "Нейский", "Нея"),
    ("нерехта опять без воды!!!", "Нерехтский", "Нерехта"),
    ("по Нерехте не проехать", "Нерехтский", "Нерехта"),
    ("Нерехтская ЦРБ это позор, четыре часа в приёмном", "Нерехтский", "Нерехта"),
    ("в селе Боговарово нет воды", "Октябрьский", "Боговарово"),
    ("из Островского не ходит автобус", "Островский", "Островское"),
    ("в Островском течет труба", "Островский", "Островское"),
    ("в Павино дороги не чистят", "Павинский", "Павино"),
    ("в Павине закрыли почту", "Павинский", "Павино"),
    ("в Парфеньеве дорога разбита", "Парфеньевский", "Парфеньево"),
    ("в поназырево нет света", "Поназыревский", "Поназырево"),
    ("в Поназыреве нет воды", "Поназыревский", "Поназырево"),
    ("в Пыщуге нет воды", "Пыщугский", "Пыщуг"),
    ("в Солигаличе нет воды", "Солигаличский", "Солигалич"),
    ("Солигаличская ЦРБ без гинеколога", "Солигаличский", "Солигалич"),
    ("в Судиславле нет фельдшера", "Судиславский", "Судиславль"),
    ("судиславская школа без автобуса", "Судиславский", "Судиславль"),
    ("в Сусанине нет врача", "Сусанинский", "Сусанино"),
    ("у Чухломы яма на дороге", "Чухломский", "Чухлома"),
    ("в чухломе тротуары каток", "Чухломский", "Чухлома"),
    ("в Чухломской больнице нет хирурга", "Чухломский", "Чухлома"),
    ("в Чистых Борах нет газа", "Буйский", "Чистые Боры"),
    # Villages, hyphenated names, ё/е.
    ("в Николо-Поломе котельная опять встала", "Парфеньевский", "Николо-Полома"),
    ("Николо-Шанга опора ЛЭП накренилась", "Шарьинский", "Николо-Шанга"),
    ("в Шекшеме ФАП закрыт полгода", "Шарьинский", "Шекшема"),
    ("в деревне Челсма нет света", "Галичский", "Чёлсма"),
    ("в поселке Караваево нет воды", "Костромской", "Караваево"),
    ("в Судае закрыли клуб", "Чухломский", "Судай"),
    ("в Номже нет автобуса", "Нейский", "Номжа"),
    ("в Горчухе нет света", "Макарьевский", "Горчуха"),
    # Districts named by their centre's adjective.
    ("Вохомский район не чистят дороги", "Вохомский", None),
    ("в Парфеньевском районе нет связи", "Парфеньевский", None),
    ("Макарьевский округ без автобуса", "Макарьевский", None),
    ("в галичском районе нет света", "Галичский", None),
    ("в Буйском районе нет света", "Буйский", None),
    ("в Шарьинском районе дороги не чистят", "Шарьинский", None),
    ("в Костромском районе мусор", "Костромской", None),
    ("в Костромском районе в селе Шунга нет воды", "Костромской", "Шунга"),
    ("в Октябрьском районе нет фельдшера", "Октябрьский", None),
    ("Мантуровский район: дорога разбита", "Мантурово", None),
    ("в Межевском округе нет связи", "Межевской", None),
    # «Город, улица X» at the start of a message.
    ("Буй, ул. Октябрьская 12 — второй месяц течёт крыша", "Буй", "Буй"),
    ("Шарья Вокзальная 5 света нет", "Шарья", "Шарья"),
    ("шарья вокзальная 5 света нет", "Шарья", "Шарья"),
    ("Минское, у дома культуры 3 фонаря не горят", "Костромской", "Минское"),
    ("Нея центральная площадь, лужи по колено", "Нейский", "Нея"),
    ("Кострома, ул. Галичская 5 нет воды", "Кострома", "Кострома"),
    ("Сусанино отопление в домах еле тёплое", "Сусанинский", "Сусанино"),
    # A road: the place on the road wins over the towns at its ends.
    ("на трассе Кострома — Шарья в районе Судиславля яма", "Судиславский", "Судиславль"),
    ("трасса Кадый - Макарьев у Вёшки разбита", "Кадыйский", "Вёшка"),
    # Seven villages are called Завражье; the one by the Кострома — Шарья road is Судиславский's (the biggest,
    # Кадыйский's, is 150 km away from it).
    ("на трассе Кострома — Шарья у деревни Завражье авария", "Судиславский", "Завражье"),
    ("дорога на Шунгу вся в заплатках", "Костромской", "Шунга"),
    # Lowercase villages after a preposition, the only ones of their name in the region, whose form is no common
    # word there: an adjective from a person's name, a surname-style instrumental, a possessive.
    ("в александровском нет света третий день", "Островский", "Александровское"),
    ("в климовском дорогу не чистят", "Чухломский", "Климовское"),
    ("под стариковым горит лес", "Макарьевский", "Стариково"),
    ("у безгачева опять яма на дороге", "Костромской", "Безгачево"),
    # A road between lowercase towns: the village on it wins, the one of its name nearest the road.
    ("кострома — галич у кабанова опять яма", "Галичский", "Кабаново"),
    ("кострома — судиславль у доманова асфальт провалился", "Судиславский", "Доманово"),
    ("кострома — нерехта в тетеринском пробка третий час", "Нерехтский", "Тетеринское"),
    # Only the ends: the district end (a town okrug's road runs through the district, the capital's through the
    # other end's territory).
    ("пригородный автобус Судиславль - Кострома отменили", "Судиславский", None),
    ("Мантурово - Кологрив дорогу хоть грейдером пройдите", "Кологривский", None),
    ("дорогу Островское - Судиславль не чистят", "Островский", None),
    # Names that equal common words or streets lose to a clear signal.
    ("в Костроме на Сусанинской площади грязно", "Кострома", "Кострома"),
    ("театр имени Островского в Костроме", "Кострома", "Кострома"),
    ("у Центрального рынка в Костроме ларьки понаставили", "Кострома", "Кострома"),
    ("в Галиче за мусор платим больше чем в Костроме", "Галич", "Галич"),
    ("в Пыщуге больница без стоматолога, ближайший в Шарье", "Пыщугский", "Пыщуг"),
    ("Жителям Галича приходится ездить в Кострому", "Галич", "Галич"),
    ("из Макарьева в Кострому один автобус в день", "Макарьевский", "Макарьев"),
]

NO_PLACE = [
    "Горки на детской площадке сломаны, поле за домом заросло",
    "у нее нет воды третий день",
    "на улице холодно, батареи еле тёплые",
    "в Мире нет справедливости",
    "Луч света в тёмном царстве",
    "Костромская область дороги не чистит",
    # Lowercase common words that are also the region's only village of that name stay common words.
    "в лужках грибов нет совсем",
    "в советском нет порядка, говорят старики",
    "в западном тоже так делают",
    "в полосках ходим, в раю живём",
    "у маяка мусор",
    "в дружбе главное доверие",
    # The surname-style instrumental after «с» is a person, not the village.
    "с ивановым поговорили, обещал помочь",
    "со стариковым договорились",
]


@pytest.mark.parametrize(("text", "municipality", "settlement"), CASES)
def test_every_form_finds_its_municipality(
    locator: GazetteerLocator, text: str, municipality: str, settlement: str | None
) -> None:
    guess = locator.locate(text)
    assert (guess.municipality, guess.settlement) == (municipality, settlement), guess.reasons


# «на» + a village's name is a street (people live «в» a village): never the village, only the street-only guess.
STREETS_NOT_VILLAGES = ["остановку на Титова снесли", "на Калиновской строят 16 этажку"]


@pytest.mark.parametrize("text", STREETS_NOT_VILLAGES)
def test_a_street_named_like_a_village_is_not_the_village(locator: GazetteerLocator, text: str) -> None:
    guess = locator.locate(text)
    assert guess.settlement is None and guess.evidence == "street_only", guess.reasons


@pytest.mark.parametrize("text", NO_PLACE)
def test_common_words_and_streets_are_no_place(locator: GazetteerLocator, text: str) -> None:
    guess = locator.locate(text)
    assert guess.municipality is None, guess.reasons


def test_cases_cover_every_municipality(reference: ReferenceData) -> None:
    assert {m.name for m in reference.municipalities} <= {municipality for _, municipality, _ in CASES}


def test_a_road_between_two_towns_is_flagged_and_uncertain(locator: GazetteerLocator) -> None:
    guess = locator.locate("на трассе Кострома-Шарья яма, колесо пробил")
    assert guess.between_settlements and guess.road == "Кострома — Шарья"
    assert guess.confidence < 0.5  # a moderator sees it
    inside = locator.locate("в Шарье на Вокзальной яма")
    assert not inside.between_settlements and inside.road is None and inside.confidence > 0.5


def test_a_numbered_road_without_a_place_is_the_road(locator: GazetteerLocator) -> None:
    guess = locator.locate("на 45 км трассы Р-243 авария, пробка")
    assert (guess.municipality, guess.road, guess.between_settlements) == (None, "Р-243", True)
    assert any("45 км" in reason for reason in guess.reasons)
    near = locator.locate("на трассе Р-243 у Судиславля яма")
    assert (near.municipality, near.road) == ("Судиславский", "Р-243")


def test_the_street_after_an_opening_town(locator: GazetteerLocator) -> None:
    guess = locator.locate("шарья вокзальная 5 света нет")
    assert (guess.street, guess.house) == ("Вокзальная", "5")
    lower = locator.locate("в Буе на улице ленина 7 прорвало трубу")
    assert (lower.municipality, lower.street, lower.house) == ("Буй", "Ленина", "7")


def test_a_district_named_wins_over_a_village_of_the_same_name(locator: GazetteerLocator) -> None:
    makaryev = locator.locate("В селе Никольском Макарьевского района нет света")
    galich = locator.locate("В деревне Никольское Галичского района не чистят дорогу")
    assert (makaryev.municipality, galich.municipality) == ("Макарьевский", "Галичский")
    assert makaryev.settlement == galich.settlement == "Никольское"


def test_two_common_words_with_a_dash_are_no_road(locator: GazetteerLocator) -> None:
    guess = locator.locate("свет - вода - всё отключили, мир - луч")
    assert guess.road is None and not guess.between_settlements


def test_every_centre_in_locative_and_genitive(locator: GazetteerLocator, reference: ReferenceData) -> None:
    """Each municipality's centre, inflected by hand-checked endings people write, finds its municipality."""
    forms = {
        "Кострома": ("в Костроме", "из Костромы"),
        "Антропово": ("в Антропове", "из Антропова"),
        "Вохма": ("в Вохме", "из Вохмы"),
        "Кадый": ("в Кадые", "из Кадыя"),
        "Георгиевское": ("в Георгиевском", "из Георгиевского"),
        "Боговарово": ("в Боговарове", "из Боговарова"),
        "Парфеньево": ("в Парфеньеве", "из Парфеньева"),
        "Пыщуг": ("в Пыщуге", "из Пыщуга"),
        "Судиславль": ("в Судиславле", "из Судиславля"),
        "Сусанино": ("в Сусанине", "из Сусанина"),
        "Солигалич": ("в Солигаличе", "из Солигалича"),
    }
    for municipality in reference.municipalities:
        for text in forms.get(municipality.centre, ()):
            guess = locator.locate(f"{text} нет воды")
            assert guess.settlement == municipality.centre, (text, guess.reasons)


@pytest.mark.parametrize("name", ["place_adjectives.csv", "place_aliases.csv"])
def test_hand_written_place_lists_name_real_places(reference: ReferenceData, name: str) -> None:
    with (nlp_data_dir() / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for line, row in enumerate(rows, start=2):
        municipality = reference.municipality_by_name(row["municipality"])
        assert municipality is not None, (name, line)
        if row["settlement"]:
            assert any(
                s.name == row["settlement"] and s.municipality_id == municipality.id for s in reference.settlements
            ), (name, line)


# A place adjective before a word that is most probably not a noun stays a place: «уже» is «already» here, though
# pymorphy also reads it as a form of «уж» (a grass snake) that «Островском» would agree with.
@pytest.mark.parametrize(
    "text",
    ["Нет горячей воды в Островском уже вторую неделю", "в Островском опять без света", "в Островском тоже ямы"],
)
def test_a_place_adjective_before_an_adverb_is_the_place(locator: GazetteerLocator, text: str) -> None:
    assert locator.locate(text).municipality == "Островский"


def test_a_place_adjective_before_its_noun_is_still_the_noun_s(locator: GazetteerLocator) -> None:
    assert locator.locate("у Центрального опять грязь").municipality is not None  # alone, Центральный is a place
    market = locator.locate("у Центрального рынка опять грязь")
    # not the village Центральный: the market alone is the regional centre's landmark (place_landmarks.csv, places5)
    assert market.settlement is None
    assert market.evidence == "landmark"
    assert locator.locate("у Центрального стадиона опять грязь").municipality is None
