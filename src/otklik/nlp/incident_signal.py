"""The words and the address the incident matcher compares (domain/incidents.py): content lemmas and street/house.

Content lemmas are the nouns, verbs, adjectives and participles of the masked text, minus words every appeal uses
(«просить», «житель», «администрация»), so that «прорвало трубу на Ленина» and «прорыв трубы, течёт вода» share
«труба», not «просить». Masked text only: the matcher never sees names or phones.
"""

from __future__ import annotations

import re

from otklik.nlp.streets import find_address
from otklik.nlp.text.lemmas import grammemes, lemma, words

_CONTENT = frozenset({"NOUN", "VERB", "INFN", "ADJF", "ADJS", "PRTF", "PRTS", "GRND"})
# Words of the genre, not of the problem: they would make any two letters look alike.
_GENERIC = frozenset(
    """
    просить прошу просьба помочь помощь принять мера разобраться решить решение вопрос проблема ситуация
    житель жительница гражданин администрация глава губернатор город район улица дом дело день год раз время
    сделать делать мочь быть стать ждать написать обращение обращаться сообщать сообщить заявитель
    уважаемый добрый здравствуйте спасибо очень самый весь который такой этот наш ваш свой
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Names of places and people say where, not what: «Ленина» must not make a pipe and a rubbish heap look alike.
_PROPER = frozenset({"Geox", "Name", "Surn", "Patr"})
# People write «на ленина 12», «у дома 5 на советской», «Шарья Вокзальная 5» with no «ул.»: for grouping reports
# that is the street and the house (the locator is stricter: it must not take «на улице холодно» for a street).
_STREET_FORM = r"[а-яё]{3,}(?:ой|ая|ого|ина|ына|ова|ева|ёва|ского|ской|цкого|ская)"
_BARE_ADDRESSES = (
    re.compile(
        rf"(?i)(?<![\w-])(?:на|по|у|возле|около)\s+({_STREET_FORM})\s*,?\s*(?:д\.?\s*)?(\d{{1,4}}[а-д]?)(?![\d\w])"
    ),
    re.compile(
        rf"(?i)(?<![\w-])(?:у|возле|около)\s+(?:дома\s+)?(\d{{1,4}}[а-д]?)(?:-?г?о)?(?:\s+дома)?\s+на\s+({_STREET_FORM})(?![\w-])"
    ),
    re.compile(
        r"(?<![\w-])([А-ЯЁ][а-яё]{2,}(?:ой|ая|ого|ина|ына|ова|ева|ского|ской|цкого|ская))\s+(\d{1,4}[а-д]?)(?![\d\w])"
    ),
)


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


# «5 дней», «3 часа» are not houses.
_NOT_A_HOUSE = re.compile(r"(?i)^\s*(?:дн|ден|час|мин|раз|лет|год|недел|месяц|км|м\b|метр|руб|%|градус)")
# The same problem in other words: a report of a burst pipe says «прорвало», «порыв», «течёт», «затопило». Each
# concept is added beside the words, so reports that share it look alike even when their words differ.
_CONCEPTS: dict[str, frozenset[str]] = {
    "#вода-авария": _words_of("прорвать прорыв порыв течь хлестать затопить затопление потоп фонтан утечка"),
    "#водоснабжение": _words_of("вода водопровод водоснабжение труба колонка"),
    "#отопление": _words_of("отопление батарея радиатор холодный мёрзнуть мерзнуть теплоснабжение"),
    "#яма": _words_of("яма выбоина ямка колдобина асфальт покрытие"),
    "#мусор": _words_of("мусор контейнер бак помойка тко свалка вывоз вывозить"),
    "#освещение": _words_of("фонарь освещение темно свет светильник гореть"),
    "#дерево": _words_of("дерево ветка упасть упавший повалить аварийный"),
    "#электричество": _words_of("электричество электроэнергия отключение провод проводы обрыв"),
    "#снег": _words_of("снег сугроб наледь гололёд гололед чистить уборка"),
}
MAX_LEMMAS = 60  # a long letter's tail adds nothing to «is it the same problem» and costs comparisons


def content_lemmas(masked_text: str, *, street: str | None = None) -> frozenset[str]:
    """The problem's words; the street's own words are left out (they say where, not what)."""
    skip = {lemma(w) for w in words(street)} if street else set()
    found: list[str] = []
    for word in words(masked_text):
        tags = grammemes(word)
        if len(word) < 3 or word.isdigit() or not (_CONTENT & tags) or (_PROPER & tags):
            continue
        normal = lemma(word)
        if normal not in _GENERIC and normal not in skip and normal not in found:
            found.append(normal)
        if len(found) >= MAX_LEMMAS:
            break
    concepts = {name for name, members in _CONCEPTS.items() if members.intersection(found)}
    return frozenset(found) | concepts


def street_and_house(address: str | None, masked_text: str) -> tuple[str | None, str | None]:
    """The street (as `street_key`) and house of the appeal's address, else of its text."""
    for source in (address, masked_text):
        if not source:
            continue
        found = find_address(source)
        if found is not None:
            return street_key(found.street), found.house
        for pattern in _BARE_ADDRESSES:
            bare = pattern.search(source)
            if bare is not None:
                street, house = bare.groups()
                if street[0].isdigit():
                    street, house = house, street
                if _NOT_A_HOUSE.match(source[bare.end() :]):
                    continue
                return street_key(street), house.lower()
    return None, None


def street_key(name: str) -> str:
    """One key for the forms of a street name: «Советская», «советской», «Советской ул.» → «советский»."""
    return " ".join(lemma(word) for word in words(name))
