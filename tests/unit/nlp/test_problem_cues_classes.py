"""The problem cues of the detect4 round (issue 11): each names one class of short complaints the detector missed.

The classes come from the misses of the tuning sets (docs/detection.md, «detect4»): a town's bus that runs rarely
or not at all, a ruined regional road, «when will the gas / the road come», unsanitary trade and canteens, ironic
thanks for a thing that is broken, a hazard (sparking wires, a leaning pole, an open manhole). These tests check the
rules themselves — which cue a text names and which it does not — never the model's verdict. The texts are written
here and are neither training data nor evaluation messages (checked below).
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

FEW_BUSES = "мало рейсов / автобус не ходит"
ROAD = "дорога убита"
WHEN = "когда будет газ / дорога"
UNSANITARY = "антисанитария в торговле и столовых"
IRONY = "ирония: «спасибо», а сломано"
HAZARD = "опасно: провода / рухнет / открытый люк"

NAMED = [
    ("в кадый из галича одна маршрутка в день, и та через раз", FEW_BUSES),
    ("последняя электричка на нерехту в 18.40, с работы не успеваем", FEW_BUSES),
    ("автобус на солигалич опять сломался посреди трассы", FEW_BUSES),
    ("трасса на вохму у тотомицы — позор, а не дорога", ROAD),
    ("мост через унжу в мантурово ходуном ходит, когда фура едет", ROAD),
    ("лесовозы разбили весь подъезд к деревне, до школы не дойти", ROAD),
    ("газопровод к нам в дом когда проведут? третий год одни обещания", WHEN),
    ("когда в нашем селе дорогу сделают хоть какую-нибудь", WHEN),
    ("в островском газа так и нет, а соседям провели", WHEN),
    ("в столовой техникума тараканы бегают по раздаче", UNSANITARY),
    ("на ярмарке рыбу продают с земли, без льда", UNSANITARY),
    ("в школьном буфете пирожки несвежие, дети жалуются", UNSANITARY),
    ("спасибо за новую лавочку, только её через неделю уже сломали", IRONY),
    ("сняли вечерний рейс, теперь ждём утра на вокзале, очень удобно", IRONY),
    ("на ёлке огни не горят, праздник удался", IRONY),
    ("во дворе на опоре провода искрят, дети играют рядом", HAZARD),
    ("старая водонапорная башня накренилась, того гляди упадёт на дорогу", HAZARD),
    ("на остановке люк без крышки, вечером не видно", HAZARD),
]

NOT_NAMED = [
    ("сегодня в автобусе было тепло и чисто, водителю спасибо", FEW_BUSES),
    ("дорогу на сусанино отремонтировали, едется отлично", ROAD),
    ("когда в парке будут танцы, подскажите", WHEN),
    ("в новом кафе вкусно и чисто, рекомендую", UNSANITARY),
    ("спасибо за новую лавочку у подъезда, бабушки рады", IRONY),
    ("провод для зарядки забыла в автобусе, кто найдёт — верните", HAZARD),
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
    assert {FEW_BUSES, ROAD, WHEN, UNSANITARY, IRONY, HAZARD} <= set(cues.names)


def test_triggers_find_what_searching_every_pattern_finds(cues: ProblemCues) -> None:
    """A cue's triggers must be in every match of its pattern, or the prefilter would hide a match."""
    texts = [t for t, _ in NAMED + NOT_NAMED] + [r.text for r in corpora.comment_replies()]
    patterns = [re.compile(pattern) for pattern, _, _ in cues.source]
    for text in texts:
        everywhere = [i for i, pattern in enumerate(patterns) if pattern.search(fold(text))]
        assert cues.found(text) == everywhere, text


def test_these_texts_are_neither_training_data_nor_evaluation_messages() -> None:
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    shipped = {norm(r.text) for r in corpora.comment_replies()}
    evaluated = {norm(json.loads(line)["text"]) for path in SETS.glob("*.jsonl") for line in path.open()}
    ours = {norm(t) for t, _ in NAMED + NOT_NAMED}
    assert not ours & (shipped | evaluated)
