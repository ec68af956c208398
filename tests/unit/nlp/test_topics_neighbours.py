"""Where this rubricator puts things that sound alike: roads and pavements vs yard improvement, a utility accident
that floods a street, sport grounds, derelict buildings, street trade — and groups the Kursk letters barely cover,
learned from the rubricator's own topic names and the seed examples."""

from __future__ import annotations

import pytest

from otklik.nlp.training import topic_name_examples
from otklik.pipeline.components import Understanding

NEIGHBOURS = [
    ("На улице Ленина в Галиче тротуар не чистят, гололёд, люди падают", "Дороги"),
    ("Во дворе дома 7 на Мира не чистят снег, к подъезду не подойти", "Благоустройство"),
    ("Ямы на проезжей части улицы Советской, машины бьют подвеску", "Дороги"),
    ("Внутридворовый проезд весь в ямах, после дождя лужи по колено", "Благоустройство"),
    ("На улице прорвало водопровод, вода течёт по дороге и замерзает", "ЖКХ"),
    ("Стадион в посёлке заброшен, трибуны сгнили, детям негде заниматься спортом", "Физическая культура и спорт"),
    ("Бассейн закрыт на ремонт уже полгода, секции распустили", "Физическая культура и спорт"),
    ("Заброшенное здание бывшего детского сада разваливается, подростки лазят внутрь", "Строительство и архитектура"),
    ("Возле автостанции торгуют с машин и ящиков, грязь и проход занят", "Торговля"),
    ("Опора ЛЭП накренилась после урагана, провода висят над дорогой", "Электроснабжение"),
    ("Пахнет газом в подъезде, аварийная газовая служба не приезжает", "Газ и топливо"),
    ("Сотовой связи в селе нет совсем, скорую вызвать невозможно", "Связь и телевидение"),
    ("В подвале дома крысы, бегают по подъезду, нужна дератизация", "Роспотребнадзор"),
    ("Завод сливает отходы в реку, по воде пена и дохлая рыба", "Экология"),
    ("Ночью на набережной драки, полиция не приезжает", "Безопасность"),
    ("Музей закрыт на ремонт второй год, экспозиция пылится", "Культура"),
]


@pytest.mark.parametrize(("text", "group"), NEIGHBOURS, ids=[t[:40] for t, _ in NEIGHBOURS])
def test_the_group_of_a_neighbouring_topic(engine: Understanding, text: str, group: str) -> None:
    category = engine.classifier.classify(engine.normalizer.normalize(text).text)
    assert category is not None and category.group == group, category


def test_every_active_topic_name_is_an_example_of_its_topic(reference: object) -> None:
    examples = topic_name_examples()
    topics = {(e.text, e.group) for e in examples if e.topic}
    assert ("Разрушение тротуаров и пешеходных дорожек", "Благоустройство") in topics
    assert ("Содержание, ремонт и обустройство тротуаров", "Дороги") in topics
    assert not any(e.group == "Коронавирус" for e in examples)  # inactive groups are not taught
    assert all(not e.text.startswith("★") for e in examples)


def test_the_explanation_names_the_words_that_decided(engine: Understanding) -> None:
    category = engine.classifier.classify("На улице прорвало водопровод, вода течёт по дороге")
    assert category is not None and category.reasons and "группа «ЖКХ»" in category.reasons[0]
