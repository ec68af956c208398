"""The shipped detector on the classes of short social complaints it used to miss (nlp2 round, issue 11).

Each class is a way people complain under an official's post without a request verb: a named institution with a
missing specialist, a price or tariff compared with a neighbour, «where did the money go» about a frozen building,
a report of pollution or felling, irony that names the broken thing. None of these texts is in the detector's
training data or in a Kostroma evaluation set (checked below), so a regression of the model fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from otklik.domain.analysis import Detection
from otklik.nlp import corpora

SETS = Path(__file__).resolve().parents[3] / "bench" / "data" / "kostroma"

COMPLAINTS = [
    "солигаличская больница: кардиолога нет, на консультацию в кострому за свой счёт",
    "в районной поликлинике без эндокринолога второй год",
    "проезд в автобусе у нас дороже чем в областном центре, а автобусы старые",
    "бассейн в городе строят четыре года, стены стоят, деньги куда ушли?",
    "с лесопилки опилки сбрасывают прямо в реку, вода бурая",
    "за кладбищем вырубили сосняк, пни свежие, кто разрешил?",
    "спасибо за освещение, теперь на нашей улице горит один фонарь из десяти",
    "вохма, третий день без воды!!!",
]

CHATTER = [
    "спасибо врачам нашей больницы за внимательность",
    "у нас в городе всё дешевле чем в москве, живём нормально",
    "а в новом кафе у моста кто-нибудь уже обедал?",
    "опять политика, надоело",
]


@pytest.mark.parametrize("text", COMPLAINTS)
def test_short_complaints_of_the_missed_classes_are_appeals(detect: Callable[[str], Detection], text: str) -> None:
    result = detect(text)
    assert result.is_appeal, result.reasons


@pytest.mark.parametrize("text", CHATTER)
def test_chatter_near_those_classes_is_not_an_appeal(detect: Callable[[str], Detection], text: str) -> None:
    result = detect(text)
    assert not result.is_appeal, result.reasons


def test_a_missing_specialist_or_money_question_is_a_named_cue(detect: Callable[[str], Detection]) -> None:
    result = detect("нейская поликлиника, уролога нет с лета")
    named = [line for line in result.reasons if line.startswith("названа проблема")]
    assert named and "нехватка врача / где деньги / дороже чем" in named[0]


def test_these_texts_are_neither_training_data_nor_evaluation_messages() -> None:
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    shipped = {norm(r.text) for r in corpora.comment_replies()}
    evaluated = {norm(json.loads(line)["text"]) for path in SETS.glob("*.jsonl") for line in path.open()}
    ours = {norm(t) for t in COMPLAINTS + CHATTER}
    assert not ours & (shipped | evaluated)
