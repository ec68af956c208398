"""The rubricator's placement between neighbouring groups (data/nlp/group_placement.csv) and the ownership rules
of this round (heat supply, the bath house, teachers of a municipal school, a road «на» a two-word village).
Hand-written examples, not copied from an evaluation set; the expected groups and bodies follow the label rules of
bench/data/kostroma/README.md (the object the text is about; 131-ФЗ)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from otklik.domain.reference import ReferenceData
from otklik.nlp.factory import group_placement
from otklik.nlp.group_placement import GroupPlacement, PlacementRule, load_rules
from otklik.nlp.topics import RubricatorClassifier
from otklik.pipeline.components import Understanding

RULE = PlacementRule(
    "покрытие",
    frozenset({"Благоустройство"}),
    re.compile(r"тротуар\w*\W+(?:\w+\W+){0,3}?(?:ям\w*|лед)"),
    re.compile(r"двор\w*"),
    "Дороги",
    "«{match}» — покрытие улицы",
)


def test_a_rule_moves_only_between_the_neighbours_it_names() -> None:
    placement = GroupPlacement([RULE])
    found = placement.place("На Тротуаре ямы по колено", "Благоустройство")
    assert found is not None and found.group == "Дороги"
    assert found.explain() == "«Тротуаре ямы» — покрытие улицы"  # the words as written
    assert placement.place("на тротуаре ямы", "ЖКХ") is None  # not a neighbour the rule corrects


def test_the_unless_pattern_vetoes_the_rule() -> None:
    assert GroupPlacement([RULE]).place("во дворе на тротуаре лед", "Благоустройство") is None


def test_an_unknown_group_in_the_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text(
        "name,from_groups,pattern,unless,to_group,explanation,source\nx,Благоустройство,яма,,Нет такой,«{match}»,s\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="line 2"):
        load_rules(path, ["Благоустройство", "Дороги"])


NEIGHBOURS = [
    ("на улице Садовой тротуар сплошной лёд, бабушки падают", "Дороги"),
    ("по Заречной улице после дождя грязь по колено, колея, не проехать", "Дороги"),
    ("у нас во дворе яма на яме, машину не поставить", "Благоустройство"),
    ("канализация течёт прямо на улицу у магазина, вонь страшная", "ЖКХ"),
    ("в половине посёлка третий час нет света", "Электроснабжение"),
    ("в подъезде пахнет газом, соседи боятся", "Газ и топливо"),
    ("за деревней валят лес прямо у речки, лесовозы ездят ночью", "Экология"),
    ("горит сухая трава за огородами, огонь идёт к сараям", "Безопасность"),
    ("в садике крыша течёт, в группе стоят тазы", "Образование"),
    (
        "старинная усадьба разрушается, крыша провалилась, это же памятник архитектуры",
        ("Памятники и объекты культурного наследия"),
    ),
]


@pytest.mark.parametrize(("text", "group"), NEIGHBOURS)
def test_neighbouring_groups_follow_the_rubricators_placement(analyze: Any, text: str, group: str) -> None:
    assert analyze(text)["category"]["group"] == group


def test_the_shipped_rules_explain_the_placement(reference: ReferenceData) -> None:
    found = group_placement(reference).place("в посёлке тротуар весь в ямах, не пройти", "Благоустройство")
    assert found is not None and found.group == "Дороги"
    assert "тротуар" in found.explain() and "«Дорогам»" in found.explain()


def test_the_engine_says_when_a_rule_placed_the_group(engine: Understanding) -> None:
    classifier = engine.classifier
    assert isinstance(classifier, RubricatorClassifier)
    guess = classifier._placed(
        "канализация течёт прямо на улицу",
        "Экология",
        0.5,
        np.full(len(classifier._groups.classes_), 0.01),
        np.full(len(classifier._topics.classes_), 0.001),
    )
    assert guess is not None and guess.group == "ЖКХ"
    assert guess.confidence == pytest.approx(0.51)  # the two neighbours' probabilities together
    assert any("по правилу рубрикатора" in reason for reason in guess.reasons)


def test_the_classifier_keeps_the_group_models_own_answer_beside_the_placed_one(engine: Understanding) -> None:
    placed = engine.classifier.classify("в посёлке тротуар весь в ямах, не пройти, коляску не провезти")
    assert placed is not None and placed.group == "Дороги"
    assert placed.model_group is not None and placed.group_probability is not None
    assert 0.0 < placed.group_probability <= 1.0
    plain = engine.classifier.classify("нет света третий день во всём посёлке, холодильники потекли")
    assert plain is not None and plain.model_group == plain.group and plain.group_probability is not None


OWNERSHIP = [
    ("Нерехта, котельная на улице Победы встала, в домах холодно", "adm-34626000"),
    ("в Буе городская баня закрыта второй месяц, мыться негде", "adm-34705000"),
    ("в школе в Кологриве нет учителя физики с сентября", "adm-34612000"),
]


@pytest.mark.parametrize(("text", "body"), OWNERSHIP)
def test_municipal_services_go_to_the_administration(analyze: Any, text: str, body: str) -> None:
    assert analyze(text)["agency"]["id"] == body


def test_a_road_to_a_two_word_village_is_a_road_between_settlements(analyze: Any) -> None:
    result = analyze("дорога на Чистые Боры вся в ямах, не проехать")
    assert result["agency"]["id"] == "transport"


BUSES = [
    ("д. Кузьмищи Костромского района: автобус в город утром не приходит, стоим по часу", "transport"),
    ("Чухломский район, из Судая автобус до Галича отменили по субботам", "transport"),
    ("Кузьмищи Костромского района, школьный автобус до школы не ходит неделю", "adm-34614000"),
]


@pytest.mark.parametrize(("text", "body"), BUSES)
def test_a_bus_to_another_municipality_is_the_regions(analyze: Any, text: str, body: str) -> None:
    """A route joining two municipalities is organised by the region (220-ФЗ); a school bus stays the district's.
    Sent as a portal letter: the route, not the detector, is under test."""
    assert analyze(text, channel="portal")["agency"]["id"] == body
