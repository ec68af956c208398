"""Golden cases in Russian: groups of the rubricator, places, urgency, non-appeals and the CLI contract."""

from __future__ import annotations

from typing import Any

import pytest

GROUPS = [
    ("На улице Ленина в Буе огромные ямы на проезжей части, невозможно проехать на машине", "Дороги"),
    ("Во дворе дома 5 по улице Мира третью неделю не горит ни один фонарь", "Благоустройство"),
    ("Управляющая компания не чинит протекающую крышу, заявки игнорирует", "ЖКХ"),
    ("Контейнеры на площадке переполнены, мусор не вывозят больше недели", "Мусор/Свалки/ТКО"),
    ("В районной больнице месяц нет хирурга, записаться на приём невозможно", "Здравоохранение/Медицина"),
    ("Автобус 12 маршрута ходит раз в час и постоянно опаздывает", "Общественный транспорт"),
    ("Ребёнка третий год не могут устроить в детский сад, очередь не двигается", "Образование"),
    ("Многодетной семье второй месяц не перечисляют пособие на детей", "Социальное обслуживание и защита"),
    ("Вторую неделю нет газа в доме, газовая служба обещает и не подключает", "Газ и топливо"),
    ("Сгнившая опора ЛЭП накренилась над дорогой, провода висят почти до земли", "Электроснабжение"),
    ("Стая бездомных собак бросается на прохожих возле остановки, просим отловить", "Безопасность"),
    ("Предприятие задерживает зарплату сотрудникам уже три месяца", "Экономика и бизнес"),
    ("Сельский дом культуры закрыт на замок, клуб не работает уже год", "Культура"),
    ("В деревне совсем пропала мобильная связь и интернет", "Связь и телевидение"),
    ("В МФЦ не принимают документы без записи, а записаться нельзя", 'МФЦ "Мои документы"'),
    ("Хоккейная коробка и стадион в посёлке разрушены, детям негде заниматься спортом", "Физическая культура и спорт"),
    ("Возле рынка незаконно поставили торговые ларьки прямо на тротуаре", "Торговля"),
    ("Стройка жилого дома заморожена пять лет, котлован не огорожен", "Строительство и архитектура"),
    ("Памятник погибшим воинам в селе разрушается и требует реставрации", "Памятники и объекты культурного наследия"),
    ("Котельная выбрасывает чёрный дым, в городе нечем дышать", "Экология"),
    ("Областное здание бывшей больницы пустует и разворовывается, кто собственник", "Государственная собственность"),
    ("В подвале нашего дома развелись крысы, просим провести дератизацию", "Роспотребнадзор"),
    ("На сельском кладбище нет мест для захоронения, хоронить негде", "Погребение и похоронное дело"),
]

PLACES = [
    ("Яма на дороге в Шарье", "Шарья", "Шарья"),
    ("Нет воды в Шарьинском районе третий день", "Шарьинский", None),
    ("пгт Кадый: не вывозят мусор", "Кадыйский", "Кадый"),
    ("В Красном-на-Волге не горят фонари", "Красносельский", "Красное-на-Волге"),
    ("На Давыдовском не чистят дворы", "Кострома", None),
    ("В Нерехте провалился асфальт", "Нерехтский", "Нерехта"),
    ("Мантурово: автобус не приходит", "Мантурово", "Мантурово"),
    ("В селе Никольском Макарьевского района нет света", "Макарьевский", "Никольское"),
    ("В деревне Никольское Галичского района не чистят дорогу", "Галичский", "Никольское"),
]

NON_APPEALS = [
    "Да, подтверждаю",
    "Сообщение без текста",
    "Спасибо большое!",
    "С Новым годом, земляки!",
    "Ахаха, жесть",
    "😂😂😂",
    "Продаю дрова недорого, доставка по району, звоните",
    "Какой красивый закат сегодня над Волгой",
]

SHORT_APPEALS = [
    "у нас на Юбилейном опять нет горячей воды",
    "когда починят фонарь у школы??",
    "дорогу в деревню так и не отремонтировали, ямы по колено",
]


@pytest.mark.parametrize(("text", "group"), GROUPS)
def test_every_active_group_is_recognised(analyze: Any, text: str, group: str) -> None:
    result = analyze(text, "portal")
    assert result["is_appeal"]
    assert result["category"]["group"] == group, result["explanation"]


def test_golden_cases_cover_every_active_group(reference: Any) -> None:
    active = {g.name for g in reference.rubricator.groups if g.active}
    assert active == {group for _, group in GROUPS}


@pytest.mark.parametrize(("text", "municipality", "settlement"), PLACES)
def test_places_with_morphology_and_repeated_names(analyze: Any, text: str, municipality: str, settlement: Any) -> None:
    location = analyze(text, "portal")["location"]
    assert location["municipality"] == municipality
    assert location["settlement"] == settlement


def test_common_words_are_not_villages(analyze: Any) -> None:
    location = analyze("Горки на детской площадке сломаны, поле за домом заросло", "portal")["location"]
    assert location["settlement"] is None


def test_channel_community_is_a_weak_prior(analyze: Any, reference: Any) -> None:
    buy = reference.municipality_by_name("Буй")
    result = analyze("Во дворе не горят фонари", "vk", hint_municipality_id=buy.id)
    assert result["location"]["municipality"] == "Буй"
    assert result["agency"]["id"] == f"adm-{buy.id}"


def test_point_decides_the_municipality(analyze: Any) -> None:
    location = analyze("Яма на дороге", "portal", lat=57.77, lon=40.93)["location"]
    assert location["municipality"] == "Кострома"


def test_street_and_house(analyze: Any) -> None:
    location = analyze("В Галиче на улице Советской, д. 12 прорвало трубу", "portal")["location"]
    assert (location["street"], location["house"]) == ("Советская", "12")


@pytest.mark.parametrize("text", NON_APPEALS)
def test_chatter_is_not_an_appeal(analyze: Any, text: str) -> None:
    result = analyze(text, "vk")
    assert not result["is_appeal"]
    assert result["agency"] is None


@pytest.mark.parametrize("text", SHORT_APPEALS)
def test_short_informal_posts_are_appeals(analyze: Any, text: str) -> None:
    assert analyze(text, "telegram")["is_appeal"]


def test_non_public_channels_are_always_appeals(analyze: Any) -> None:
    assert analyze("Спасибо", "portal")["is_appeal"]
    assert analyze("Спасибо", None)["is_appeal"] is False


@pytest.mark.parametrize(
    "text",
    [
        "Прорыв трубы в подвале, кипяток заливает дом",
        "На улице оборванные провода лежат на земле",
        "Нет отопления, в квартире холодно, дети мёрзнут",
        "Скорая не приехала к бабушке за два часа",
        "Угроза обрушения потолка в подъезде",
    ],
)
def test_urgent_cases_are_high_priority(analyze: Any, text: str) -> None:
    assert analyze(text, "portal")["priority"] == "high"


def test_ordinary_case_is_normal_priority(analyze: Any) -> None:
    assert analyze("Предлагаю сделать велодорожку вдоль набережной", "portal")["priority"] == "normal"


def test_toxic_appeal_is_flagged_and_kept(analyze: Any) -> None:
    result = analyze("Вы там все дебилы? Когда заделаете яму на дороге у дома 5!", "vk")
    assert result["toxic"] and result["is_appeal"] and result["needs_moderation"]


def test_regional_body_by_the_matrix_with_explanation(analyze: Any) -> None:
    result = analyze("В поликлинике Галича нет терапевта, талонов к врачу нет месяц", "portal")
    assert result["agency"]["id"] == "health" and result["agency"]["level"] == "regional"
    assert any("матрица компетенций" in line for line in result["explanation"])


def test_personal_data_is_masked(engine: Any) -> None:
    normalized = engine.normalizer.normalize(
        "Иванова Мария Петровна, тел. +7 (920) 123-45-67, mail@example.ru, паспорт 34 12 123456, СНИЛС 123-456-789 01"
    )
    kinds = {span.kind for span in normalized.personal_data}
    assert kinds == {"name", "phone", "email", "passport", "snils"}
    assert "123-45-67" not in normalized.masked and "Иванова" not in normalized.masked
