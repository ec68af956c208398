"""The gazetteer's coverage: does the locator find every shipped settlement in the forms people write?

Run: .venv/bin/python bench/bench_place_forms.py [--misses N]
For each of the 3,498 settlements of `data/kostroma/settlements.csv` the bench writes short sentences with the
name in the nominative («д. Решетиха, нет воды третий день»), the locative («в Решетихе нет воды третий день»), the
genitive («возле Решетихи на дороге яма») and the adjective («Решетихинская школа …» is irregular, so only where
a regular rule gives it: «Антроповская школа закрыта», «Никольская школа закрыта»), each capitalised and — for the
locative and genitive — in lowercase, and counts a form found when the locator's municipality is one of the
municipalities that have a settlement of that name (a shared name is not asked to pick the right one).

The expected forms come from the rules of Russian place-name declension written here, never from the gazetteer
(which uses pymorphy3 and its own rules): a name whose form no regular rule gives (a fleeting vowel «Уголок →
Уголке», a noun in -ь of either gender, the genitive plural «Ломышки → Ломышек») is left out of that form's count,
and the bench says how many were measured. Prints `name: value unit` lines.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable

from otklik.nlp.factory import cached_gazetteer
from otklik.nlp.locator import GazetteerLocator
from otklik.reference.files import load_reference

GUTTURAL_OR_HUSHING = "гкхжшщч"
ADJECTIVE_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие")
MAIN_FORMS = ("nominative", "locative", "genitive", "adjective")
TYPE_ABBREVIATION = {"г": "г.", "пгт": "пгт", "с": "с.", "д": "д.", "п": "п."}


def _adjective(word: str, case: str) -> str | None:
    """An adjectival word of a name («Красная», «Никольское», «Чистые») in the locative or genitive."""
    stem, ending = word[:-2], word[-2:]
    soft = stem[-1:] in "нь" and ending in ("ий", "яя", "ее", "ие") and not stem.endswith(("ск", "цк"))
    if ending in ("ая", "яя"):
        return stem + ("ей" if soft or stem[-1:] in "жшщч" else "ой")
    if ending in ("ые", "ие"):
        return stem + ("их" if ending == "ие" else "ых")
    if ending in ("ый", "ий", "ой", "ое", "ее"):
        if soft or (ending in ("ий", "ее") and stem[-1:] in "жшщч"):
            return stem + ("ем" if case == "loct" else "его")
        return stem + ("ом" if case == "loct" else "ого")
    return None


def _noun(word: str, case: str) -> str | None:
    """A noun of a name in the locative or genitive by the regular declension of place names; None when no rule
    tells (a fleeting vowel, a noun in -ь, the genitive plural)."""
    loct = case == "loct"
    if word.endswith(("ово", "ево", "ёво", "ино", "ыно")):
        return word[:-1] + ("е" if loct else "а")
    if word.endswith("ье"):
        return word if loct else word[:-1] + "я"  # «в Завражье», «у Завражья»
    if word.endswith("ие"):
        return word[:-1] + ("и" if loct else "я")  # «в Успении», «у Успения»
    if word.endswith(("ята", "шата", "чата")):
        return word[:-1] + "ах" if loct else None  # plural: «в Вахрушатах», «у Вахрушат»
    if word.endswith("ия"):
        return word[:-1] + "и"
    if word.endswith("я"):
        return word[:-1] + ("е" if loct else "и")
    if word.endswith("а"):
        stem = word[:-1]
        return stem + ("е" if loct else "и" if stem[-1:] in GUTTURAL_OR_HUSHING else "ы")
    if word.endswith(("ы", "и")):
        if not loct:
            return None  # «Ломышки → Ломышек», «Лубяны → Лубян»: no regular genitive plural
        stem = word[:-1]
        return stem + ("ах" if word.endswith("ы") or stem[-1:] in GUTTURAL_OR_HUSHING else "ях")
    if word.endswith("й") and not word.endswith(ADJECTIVE_ENDINGS):
        return word[:-1] + ("е" if loct else "я")
    if word.endswith(("ок", "ек", "ец", "ь")) or word[-1:] in "аеёиоуыэюя":
        return None
    return word + ("е" if loct else "а")


def _word(word: str, case: str) -> str | None:
    return _adjective(word, case) if word.endswith(ADJECTIVE_ENDINGS) else _noun(word, case)


def case_form(name: str, case: str) -> str | None:
    """«Решетиха» → «Решетихе» (loct), «Николо-Полома» → «Николо-Поломе», «Красная Поляна» → «Красной Поляне»."""
    words = name.split()
    if len(words) > 1 and not all(w.endswith(ADJECTIVE_ENDINGS) for w in words[:-1]):
        return None  # «База Мизинцево», «Дом отдыха …»: not an adjective with its noun
    out = []
    for word in words:
        if "-на-" in word:
            head, _, tail = word.partition("-на-")
            inflected = _word(head, case)
            out.append(None if inflected is None else f"{inflected}-на-{tail}")
        elif "-" in word:
            head, _, tail = word.rpartition("-")
            inflected = _word(tail, case)
            out.append(None if inflected is None else f"{head}-{inflected}")
        else:
            out.append(_word(word, case))
    return None if any(w is None for w in out) else " ".join(w for w in out if w is not None)


def adjective_form(name: str) -> str | None:
    """The settlement's adjective in the feminine nominative where a regular rule gives it: adjectival names
    («Никольское» → «Никольская»), -ово/-ино names («Антропово» → «Антроповская»), a hard consonant or -й
    («Буй» → «Буйская», «Пыщуг» → «Пыщугская»); names in -а/-я («Шарья» → «шарьинская», «Вохма» → «вохомская»)
    are irregular and not measured."""
    if " " in name or "-" in name:
        return None
    if name.endswith(("ское", "ский", "ской", "цкое", "цкий")):
        return name[:-2] + "ая"
    if name.endswith(("ово", "ево", "ёво", "ино", "ыно")):
        return name[:-1] + "ская"
    if name.endswith("й") and not name.endswith(ADJECTIVE_ENDINGS):
        return name + "ская"
    if name[-1:] in "бвгдзклмнпрстфхчшщж" and not name.endswith(("ск", "цк")):
        return name + "ская"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=0, help="print this many missed sentences per form")
    args = parser.parse_args()
    reference = load_reference()
    started = time.perf_counter()
    locator = GazetteerLocator(reference, cached_gazetteer(reference))
    print(f"locator_load_time: {time.perf_counter() - started:.1f} s")
    types = {settlement.name: settlement.type for settlement in reference.settlements}

    def loc(name: str) -> str | None:
        form = case_form(name, "loct")
        return None if form is None else f"в {form} нет воды третий день"

    def gen(name: str) -> str | None:
        form = case_form(name, "gent")
        return None if form is None else f"возле {form} на дороге яма"

    def adj(name: str) -> str | None:
        form = adjective_form(name)
        return None if form is None else f"{form} школа закрыта на карантин"

    checks: dict[str, Callable[[str], str | None]] = {
        "nominative": lambda name: f"{TYPE_ABBREVIATION.get(types[name], types[name] + '.')} {name}, нет воды",
        "locative": loc,
        "locative_lowercase": lambda name: (loc(name) or "").lower() or None,
        "genitive": gen,
        "genitive_lowercase": lambda name: (gen(name) or "").lower() or None,
        "adjective": adj,
    }
    settlements = reference.settlements
    found_all = measured_all = 0
    missed_any: set[int] = set()  # settlements (by index) with a main form the locator did not find
    for form, sentence_of in checks.items():
        # Namesakes by this form («Соловьёво» and «Соловьево»; «в Боровском» of Боровское and Боровской) give one
        # sentence: any of their municipalities counts as found.
        municipalities: dict[str, set[str]] = defaultdict(set)
        for settlement in settlements:
            sentence = sentence_of(settlement.name)
            if sentence is not None:
                municipalities[sentence.replace("ё", "е").lower()].add(settlement.municipality_id)
        measured = found = 0
        misses = []
        for index, settlement in enumerate(settlements):
            sentence = sentence_of(settlement.name)
            if sentence is None or any(ch.isdigit() for ch in settlement.name):
                continue
            measured += 1
            guess = locator.locate(sentence)
            if guess.municipality_id in municipalities[sentence.replace("ё", "е").lower()]:
                found += 1
                continue
            if form in MAIN_FORMS:
                missed_any.add(index)
            if len(misses) < args.misses:
                misses.append(sentence)
        if form in MAIN_FORMS:
            found_all, measured_all = found_all + found, measured_all + measured
        print(f"{form}_measured: {measured} settlements")
        print(f"{form}_coverage: {found / max(measured, 1):.3f} ratio")
        for sentence in misses:
            print(f"  MISS {form}: {sentence}")
    print(f"settlements: {len(settlements)} count")
    # the measure: a settlement counts when every main form a rule gives for it is found
    print(f"settlements_all_forms_found: {1 - len(missed_any) / len(settlements):.3f} ratio")
    print(f"coverage_capitalised_forms: {found_all / max(measured_all, 1):.3f} ratio")


if __name__ == "__main__":
    main()
