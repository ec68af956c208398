"""The classes of misses of the issue-11 quality round, each a capability: where the rubricator puts things that
sound alike (a doctor missing is medicine even when the bus is how one gets there, prices are economy, ice on a river
is safety, a management company's house is ЖКХ…), who owns what the text names (fraud, ice, a derelict building, a
waste norm, a school's closure), and a municipal object of an unnamed place going to a moderator.

Expected groups and bodies come from the rubricator's topic names and the label rules of
bench/data/kostroma/README.md (131-ФЗ, agencies.md), not from the product's tables. The texts are new: none is
taken from an evaluation set."""

from __future__ import annotations

from typing import Any

import pytest

from otklik.domain.analysis import RoutingDecision
from otklik.domain.reference import ReferenceData
from otklik.nlp.factory import group_placement
from otklik.nlp.router import UNPLACED_MUNICIPAL_CAP
from otklik.pipeline.components import Understanding

PLACEMENT = [
    ("в Вохме поликлиника без терапевта, а автобус до Шарьи раз в день", "Дороги", "Здравоохранение/Медицина"),
    ("роддом в Нее закрыли, теперь рожать по нашим дорогам за 100 км", "Дороги", "Здравоохранение/Медицина"),
    ("в аптеке на Советской цены на лекарства выросли вдвое", "Здравоохранение/Медицина", "Экономика и бизнес"),
    ("на Унже у моста рыбаки на льду, лёд тонкий, уже один провалился", "Экология", "Безопасность"),
    ("звонят от имени пенсионного, просят код из смс, осторожно", "Социальное обслуживание и защита", "Безопасность"),
    ("УК не чистит крышу, сосульки висят над входом", "Дороги", "ЖКХ"),
    ("сельский клуб в Сидоровском: крыша течёт, отопления нет", "ЖКХ", "Культура"),
    ("школьный автобус до Ильинского опять не пришёл", "Общественный транспорт", "Образование"),
    ("до остановки не дойти, грязь по колено, колея", "Общественный транспорт", "Дороги"),
    ("бассейн в Шарье закрыт на ремонт второй год", "Культура", "Физическая культура и спорт"),
    ("баня в посёлке закрыта с весны, мыться негде", "Дороги", "ЖКХ"),
    ("в садике плата выросла, а кормят кашей на воде", "ЖКХ", "Образование"),
    ("электричества нет с утра на всей улице Садовой", "Дороги", "Электроснабжение"),
    ("газопровод к домам провели, а врезку не делают", "Дороги", "Газ и топливо"),
    ("в сквере у собора урны переполнены, мусор по газонам", "Мусор/Свалки/ТКО", "Благоустройство"),
    ("на берегу Волги мусор после выходных никто не убирает", "Экология", "Благоустройство"),
    ("в общежитии колледжа нет горячей воды неделю", "ЖКХ", "Образование"),
]


@pytest.mark.parametrize(("text", "model_group", "group"), PLACEMENT)
def test_the_rubricators_placement_settles_neighbouring_groups(
    reference: ReferenceData, text: str, model_group: str, group: str
) -> None:
    found = group_placement(reference).place(text, model_group)
    assert found is not None and found.group == group
    assert found.match and found.match.lower() in text.lower()


KEPT = [
    # the bus itself is the complaint: it stays transport even if a hospital is where people go
    ("автобус до районной больницы отменили, врача нет поблизости", "Общественный транспорт"),
    # a street light is the road's, not the power supply's
    ("на улице фонари не горят, света нет с осени", "Дороги"),
    # heating of a kindergarten from a boiler house is the utility's failure
    ("котельная встала, в садике батареи холодные", "ЖКХ"),
    # a yard a management company does not clean stays the yard's group
    ("УК не убирает двор, сугробы по пояс", "Благоустройство"),
    # waste the regional operator does not collect from the containers stays «Мусор»
    ("контейнеры у сквера переполнены, мусор не вывозят две недели", "Мусор/Свалки/ТКО"),
]


@pytest.mark.parametrize(("text", "group"), KEPT)
def test_a_placement_rule_does_not_move_what_it_should_not(reference: ReferenceData, text: str, group: str) -> None:
    assert group_placement(reference).place(text, group) is None


def route(engine: Understanding, text: str) -> RoutingDecision | None:
    cleaned = engine.normalizer.normalize(text).text
    category = engine.classifier.classify(cleaned)
    location = engine.locator.locate(cleaned)
    return engine.router.route(cleaned, category, location)


OWNERS = [
    ("Звонили мошенники от имени банка, бабушку развели на 50 тысяч", "security"),
    ("в Галиче за мусор платим по нормативу на четверых, а живём вдвоём", "tariffs"),
    ("в Кологриве школу хотят закрыть, детей будут возить за 30 км", "adm-34612000"),
    ("в Буе на Октябрьской заброшенное здание, окна выбиты, дети лазят", "adm-34705000"),
    ("в Судиславле вода отключена третий день, никто ничего не говорит", "adm-34642000"),
]


@pytest.mark.parametrize(("text", "body"), OWNERS)
def test_the_owner_of_the_named_thing_decides(engine: Understanding, text: str, body: str) -> None:
    decision = route(engine, text)
    assert decision is not None and decision.agency_id == body


def test_a_municipal_object_of_an_unnamed_place_goes_to_a_moderator(engine: Understanding) -> None:
    decision = route(engine, "колодец общий обвалился, воды нет, носим за два километра")
    assert decision is not None
    assert decision.confidence <= UNPLACED_MUNICIPAL_CAP < engine.auto_assign_threshold
    assert any("место не названо" in reason for reason in decision.reasons)


def test_the_same_object_with_its_place_is_routed_to_the_municipality(engine: Understanding) -> None:
    decision = route(engine, "в Вохме колодец общий обвалился, воды нет, носим за два километра")
    assert decision is not None and decision.agency_id == "adm-34606000"
    assert decision.confidence > UNPLACED_MUNICIPAL_CAP


NOT_APPEALS = [
    "Продам гараж в Нерехте, ул. Ленина, с погребом и ямой, недорого",
    "Сдам дом в Сусанине на лето, газ, вода, пишите в лс",
    "Сегодня в Галиче ожидается метель, будьте осторожны на дорогах",
]


@pytest.mark.parametrize("text", NOT_APPEALS)
def test_ads_and_warnings_are_not_appeals(analyze: Any, text: str) -> None:
    assert analyze(text)["is_appeal"] is False
