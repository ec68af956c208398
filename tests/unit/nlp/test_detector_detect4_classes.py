"""The shipped detector on the classes of short social complaints of the detect4 round (issue 11).

Each class is a way people complain under an official's post that the detector still dropped: a bus that runs
rarely, a ruined regional road, «when will the gas come», unsanitary trade, ironic thanks for a broken thing, a
hazard; and next to them the chatter that looks like them: a question to the other readers, nostalgia about the
buses of one's childhood, a lost pet. The labels follow the rules of bench/data/kostroma/README.md (a body of the
authorities would have to act or answer), not the engine. None of these texts is training data or an evaluation
message (checked below).
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
    "из нейского района в кострому один рейс в сутки, обратно уже не уехать",
    "трасса на кологрив у ильинского вся в колеях, две машины сегодня в кювете",
    "в нашем посёлке газ когда-нибудь проведут или так и будем на дровах?",
    "в ларьке на автостанции пирожки несвежие, после них полдеревни с животами",
    "у трансформаторной будки в шарье дверь нараспашку, провода искрят, дети рядом",
]

# Ironic thanks that open with «спасибо за …» are still outweighed by the thanks n-grams (score ≈ 0.01 although the
# irony cue is named): a known miss of this round (docs/detection.md), kept here so a fix shows up.
IRONIC_THANKS = "спасибо за новую горку, только она через неделю уже треснула пополам"

CHATTER = [
    "подскажите, где в мантурово можно починить велосипед?",
    "раньше до кологрива автобус четыре раза в день ходил, вот были времена",
    "потерялась кошка, серая, в районе рынка в буе, помогите найти",
]


@pytest.mark.parametrize("text", COMPLAINTS)
def test_short_complaints_of_the_detect4_classes_are_appeals(detect: Callable[[str], Detection], text: str) -> None:
    result = detect(text)
    assert result.is_appeal, result.reasons


@pytest.mark.xfail(strict=True, reason="ironic «спасибо за …» still reads as thanks (docs/detection.md)")
def test_ironic_thanks_for_a_broken_thing_is_an_appeal(detect: Callable[[str], Detection]) -> None:
    assert detect(IRONIC_THANKS).is_appeal


@pytest.mark.parametrize("text", CHATTER)
def test_chatter_next_to_those_classes_is_not_an_appeal(detect: Callable[[str], Detection], text: str) -> None:
    result = detect(text)
    assert not result.is_appeal, result.reasons


def test_these_texts_are_neither_training_data_nor_evaluation_messages() -> None:
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    shipped = {norm(r.text) for r in corpora.comment_replies()}
    evaluated = {norm(json.loads(line)["text"]) for path in SETS.glob("*.jsonl") for line in path.open()}
    ours = {norm(t) for t in [*COMPLAINTS, *CHATTER, IRONIC_THANKS]}
    assert not ours & (shipped | evaluated)
