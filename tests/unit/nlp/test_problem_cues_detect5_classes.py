"""The problem cues of the detect5 round (issue 11): the forms of the miss classes the lexicon did not reach.

The classes come from the appeal misses of the tuning sets (docs/detection.md, «detect5»): the thing named first and
what happened to it after («интернет … не работает»), a cold public room, a road «вся в колеях», people falling on
ice, felling next to a village, a specialist who left or comes «через день», a broken thing left «ещё в октябре» or
«так и лежат», a rhetorical question («это норма?», «за такие деньги»), a price rise with its amount, a promise not
kept, a refusal or a run-around by an office, a service «за N км»; and the chatter cues for a marked ad, an
invitation and a reader asking «кто со мной». These tests check the rules — which cue a text names and which it does
not — never the model's verdict. The texts are written here and are neither training data nor evaluation messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from otklik.nlp import corpora
from otklik.nlp.problem_cues import ProblemCues, fold

SETS = Path(__file__).resolve().parents[3] / "bench" / "data" / "kostroma"

NO_SIGNAL = "нет связи"
COLD = "холод и напор"
ROAD = "дорога убита"
ICE = "снег и гололёд"
FELLING = "вырубка"
DOCTOR = "нет врача / лекарств"
WATER = "плохая вода"
BROKEN = "сломано / раскопано"
LONG = "давно не решают"
NOT_OK = "так нельзя (вопрос власти)"
PRICES = "тарифы и платежи"
PROMISE = "обещали, а не сделали"
REFUSAL = "отказали / гоняют по кабинетам"
FAR = "далеко ехать: за N км"
AD = "объявление (не обращение)"
NEWS = "новость или предупреждение (не обращение)"
READERS = "вопрос к читателям (не обращение)"

NAMED = [
    ("в сельсовете интернет опять не работает вторую неделю", NO_SIGNAL),
    ("в читальном зале библиотеки холодно, сидим в шарфах", COLD),
    ("на репетиции в клубе сидим в куртках, батареи еле живые", COLD),
    ("грунтовка до фермы вся в колеях, трактором вытаскивают", ROAD),
    ("у аптеки наледь, пенсионеры падают каждый день", ICE),
    ("на окраине села валят прямо у родника", FELLING),
    ("в районной больнице без невролога, запись к неврологу на апрель", DOCTOR),
    ("стоматолог наш уволился, зубы лечить негде", DOCTOR),
    ("чайник весь с ржавчиной от нашей воды", WATER),
    ("ограду у школы поломали и бросили", BROKEN),
    ("крышка колодца треснула, того гляди кто-нибудь провалится", BROKEN),
    ("фонарь у моста погас ещё в октябре", LONG),
    ("остановку снесли, а обломки так и лежат у дороги", LONG),
    ("зарплата воспитателя в селе двадцать тысяч, это норма?", NOT_OK),
    ("в поликлинике нет лифта, как старикам лечиться на третьем этаже", NOT_OK),
    ("проезд на пароме двести рублей, за такие деньги хоть бы навес поставили", NOT_OK),
    ("хлеб в нашем магазине подорожал на пять рублей за месяц", PRICES),
    ("переход у школы обещали сделать к сентябрю, а воз и ныне там", PROMISE),
    ("новую котельную обещают уже лет семь", PROMISE),
    ("отцу отказали в инвалидности, хотя он после ампутации", REFUSAL),
    ("в соцзащите отправляют по кабинетам, никто ничего не знает", REFUSAL),
    ("ближайший роддом за 140 км, по зимней дороге", FAR),
    ("Реклама! Доставка дров по району", AD),
    ("приглашаем на мастер-класс по вязанию в библиотеку", NEWS),
    ("в субботу на рыбалку, кто со мной?", READERS),
]

NOT_NAMED = [
    ("интернет сегодня летает, спасибо провайдеру", NO_SIGNAL),
    ("в зале было тепло и уютно, концерт отличный", COLD),
    ("дорогу до фермы отсыпали, едется хорошо", ROAD),
    ("обещали снег на выходные", PROMISE),
    ("медпункт в пяти минутах от дома, удобно", FAR),
    ("реклама на заборе у школы висит год, кто её снимет?", AD),
    ("пришёл ответ из администрации, всё сделали", REFUSAL),
    ("хлеб в новой пекарне вкусный и недорогой", PRICES),
]


@pytest.mark.parametrize(("text", "cue"), NAMED)
def test_a_complaint_of_the_class_names_its_cue(cue_names: Callable[[str], set[str]], text: str, cue: str) -> None:
    assert cue in cue_names(text)


@pytest.mark.parametrize(("text", "cue"), NOT_NAMED)
def test_chatter_about_the_same_thing_does_not_name_the_cue(
    cue_names: Callable[[str], set[str]], text: str, cue: str
) -> None:
    assert cue not in cue_names(text)


def test_the_new_cues_are_in_the_lexicon(cues: ProblemCues) -> None:
    assert {PROMISE, REFUSAL, FAR} <= set(cues.names)


def test_triggers_find_what_searching_every_pattern_finds(cues: ProblemCues) -> None:
    """A cue's triggers must be in every match of its pattern, or the prefilter would hide a match."""
    patterns = [re.compile(pattern) for pattern, _, _ in cues.source]
    for text in [t for t, _ in NAMED + NOT_NAMED]:
        everywhere = [i for i, pattern in enumerate(patterns) if pattern.search(fold(text))]
        assert cues.found(text) == everywhere, text


def test_these_texts_are_neither_training_data_nor_evaluation_messages() -> None:
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    shipped = {norm(r.text) for r in corpora.comment_replies()}
    evaluated = {norm(json.loads(line)["text"]) for path in SETS.glob("*.jsonl") for line in path.open()}
    ours = {norm(t) for t, _ in NAMED + NOT_NAMED}
    assert not ours & (shipped | evaluated)
