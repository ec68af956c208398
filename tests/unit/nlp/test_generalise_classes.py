"""Golden cases for the classes of misses found on the fresh unseen-style Kostroma set (docs/evaluation-kostroma.md,
«Fresh set»): short social complaints that name a fact only, groups that neighbours took, and bodies of municipal
objects named without a rule. Written here, not copied from any evaluation set; expected labels come from the label
rules of bench/data/kostroma/README.md (131-ФЗ, agencies.md)."""

from __future__ import annotations

from typing import Any

import pytest

from otklik.domain.analysis import RoutingDecision
from otklik.nlp.corpora import problem_cues
from otklik.nlp.problem_cues import ProblemCues
from otklik.pipeline.components import Understanding

# one short complaint per problem-cue class added for the fresh set: a fact, no request verb
SHORT_FACTS = [
    ("в посёлке из крана течёт ржавая вода, стирать невозможно", "плохая вода"),
    ("свет отключают каждый вечер на два часа", "отключают свет/воду"),
    ("в деревне врача нет уже год", "воды/врача… нет"),
    ("медпункт у нас закрыт с лета", "закрыт медпункт / баня"),
    ("в магазине у вокзала опять просрочка на полках", "испорченные продукты"),
    ("бродячие собаки у школы, дети боятся", "бродячие собаки"),
    ("талон к окулисту на февраль, а глаз болит сейчас", "очередь и талоны"),
    ("улицу перекопали и так и оставили", "сломано / раскопано"),
    ("доколе будем жить в грязи на Пушкина", "безобразие / хамство"),
    ("газ еле горит вторую неделю", "еле работает"),
]

STILL_CHATTER = [
    "спасибо, свет дали быстро, молодцы электрики",
    "к выборам опять всё заасфальтируют, вот увидите 😏",
    "ахах, ну это классика жанра",
    "с праздником, дорогие земляки! 🎉",
]

NEIGHBOUR_GROUPS = [
    ("в посёлке улицы разбиты, ни пройти ни проехать после дождя", "Дороги"),
    ("тротуар на главной улице сплошной лёд, люди падают", "Дороги"),
    ("в нашем садике группы переполнены, воспитателей не хватает", "Образование"),
    ("свет вырубают по три раза за неделю, техника горит", "Электроснабжение"),
    ("кладбище у деревни заросло, ограды повалены", "Погребение и похоронное дело"),
    ("в кафе отравились салатом, двое в больнице", "Роспотребнадзор"),
    ("пенсионерам так и не сделали обещанную доплату", "Социальное обслуживание и защита"),
]

MUNICIPAL_OBJECTS = [
    ("в Шарье воду опять отключили, без предупреждения", "@municipality:34730000"),
    ("в Пыщуге колодец на улице обвалился, воды набрать негде", "@municipality:34638000"),
    ("в Вохме библиотеку закрыли, книги вывезли", "@municipality:34606000"),
    ("в Буе школа учится в две смены, классы переполнены", "@municipality:34705000"),
    ("в областной научной библиотеке закрыт читальный зал", "culture"),
]


def route(engine: Understanding, text: str) -> RoutingDecision | None:
    """The stages after detection, as a moderator's «this is an appeal» runs them: classify, locate, route."""
    cleaned = engine.normalizer.normalize(text).text
    return engine.router.route(cleaned, engine.classifier.classify(cleaned), engine.locator.locate(cleaned))


@pytest.mark.parametrize(("text", "cue"), SHORT_FACTS, ids=[c for _, c in SHORT_FACTS])
def test_a_short_fact_is_an_appeal_and_its_cue_fires(analyze: Any, text: str, cue: str) -> None:
    cues = ProblemCues(problem_cues())
    assert cue in [cues.names[i] for i in cues.found(text)]
    assert analyze(text, "vk")["is_appeal"], text


@pytest.mark.parametrize("text", STILL_CHATTER)
def test_thanks_and_jokes_with_problem_words_stay_chatter(analyze: Any, text: str) -> None:
    assert not analyze(text, "vk")["is_appeal"]


@pytest.mark.parametrize(("text", "group"), NEIGHBOUR_GROUPS, ids=[g for _, g in NEIGHBOUR_GROUPS])
def test_the_group_is_not_taken_by_its_neighbour(analyze: Any, text: str, group: str) -> None:
    result = analyze(text, "vk")
    assert result["category"]["group"] == group, result["explanation"]


@pytest.mark.parametrize(("text", "owner"), MUNICIPAL_OBJECTS, ids=[t[:30] for t, _ in MUNICIPAL_OBJECTS])
def test_municipal_objects_go_to_their_owner(engine: Understanding, text: str, owner: str) -> None:
    decision = route(engine, text)
    assert decision is not None, text
    expected = "adm-" + owner.split(":")[1] if owner.startswith("@municipality:") else owner
    assert decision.agency_id == expected, decision.reasons
