"""Golden cases of ownership: the body follows who owns the object the message names (a regional road or a street,
an intercity or a town bus, a kindergarten or an exam, a ЦРБ, a waste tariff), and each decision says why.

Expected bodies come from the law and the region's structure (docs/routing.md), not from the product's tables:
«@municipality:<OKTMO>» is the administration of that municipality."""

from __future__ import annotations

import pytest

from otklik.domain.analysis import RoutingDecision
from otklik.pipeline.components import Understanding

OWNERSHIP = [
    ("На трассе Р-243 у Судиславля огромные ямы, колёса бьём", "transport"),
    ("Дорога Кострома — Шарья разбита, ямы по всей длине", "transport"),
    ("Трасса Кострома — Галич в ямах после зимы, ремонта нет", "transport"),
    ("Отремонтируйте дорогу Буй — Солигалич, невозможно ездить", "transport"),
    ("На дороге 34К-123 провалился асфальт у моста", "transport"),
    ("Областная дорога до Макарьева не чистится от снега", "transport"),
    ("На федеральной трассе у Нерехты нет освещения на перекрёстке", "transport"),
    ("Костромаавтодор не чистит дорогу на Кадый, заносы", "transport"),
    ("На трассе между Нерехтой и Костромой нет разметки", "transport"),
    ("Дорогу из Чухломы в Галич размыло, проехать нельзя", "transport"),
    ("В Шарье на улице Октябрьской огромные ямы на дороге", "@municipality:34730000"),
    ("В Нерехте на улице Ленина разбит асфальт, машины ломаются", "@municipality:34626000"),
    ("Улицу Советскую в Буе не чистят от снега, не проехать", "@municipality:34705000"),
    ("В Галиче на улице Свободы ямы по колено", "@municipality:34708000"),
    ("Кострома, улица Магистральная: провалился асфальт на проезжей части", "@municipality:34701000"),
    ("В Мантурово на улице Матросова разбита дорога", "@municipality:34714000"),
    ("В Красном-на-Волге улицы не чистят от снега", "@municipality:34616000"),
    ("Тротуар на улице Мира в Волгореченске разрушен", "@municipality:34706000"),
    ("яма на дороге в Шарье, колесо пробил", "@municipality:34730000"),
    ("В Буе на дороге у рынка провал асфальта", "@municipality:34705000"),
    ("Отменили междугородний автобус Кострома — Вохма, людям не уехать", "transport"),
    ("Пригородный автобус до Костромы ходит раз в день, просим добавить рейсы", "transport"),
    ("Автобус Шарья — Поназырево постоянно опаздывает", "transport"),
    ("На автовокзале в Галиче нет расписания межмуниципальных рейсов", "transport"),
    ("Межмуниципальный маршрут Кострома — Судиславль отменили", "transport"),
    ("В Костроме автобус №5 ходит раз в час", "@municipality:34701000"),
    ("Маршрутка 14 в Костроме не останавливается на остановке", "@municipality:34701000"),
    ("В Шарье городской автобус перестал ходить в микрорайон", "@municipality:34730000"),
    ("В Буе маршрут 2 отменили, до больницы не добраться", "@municipality:34705000"),
    ("В Шарьинском районе в детском саду нет мест, ребёнка не берут", "@municipality:34648000"),
    ("В детском саду в Нерехте холодно, батареи еле тёплые", "@municipality:34626000"),
    ("Садик в Чухломе закрыли на ремонт, детей девать некуда", "@municipality:34646000"),
    ("Школьный автобус в Сусанинском районе не ходит третий день", "@municipality:34644000"),
    ("В Парфеньево не ходит школьный автобус, дети пропускают уроки", "@municipality:34634000"),
    ("Подвоз школьников в Вохомском районе отменили", "@municipality:34606000"),
    ("Результаты ЕГЭ по математике в Буе занижены, как подать апелляцию", "education"),
    ("Где узнать результаты ОГЭ, сын сдавал в Галиче", "education"),
    ("На экзамене ЕГЭ в Шарье не работали камеры, результаты аннулировали", "education"),
    ("В Буйском техникуме нет общежития для студентов", "education"),
    ("Студентам колледжа в Шарье не платят стипендию", "education"),
    ("В школе в Мантурово холодно, дети сидят в куртках", "@municipality:34714000"),
    ("В школе в Кадые плохо кормят детей, столовая грязная", "@municipality:34610000"),
    ("Сельский клуб в Антроповском районе закрыт, молодёжи некуда пойти", "@municipality:34602000"),
    ("Дом культуры в Островском протекает крыша", "@municipality:34630000"),
    ("В Павинском районе закрыли сельскую библиотеку", "@municipality:34632000"),
    ("Костромской музей-заповедник закрыт на ремонт уже год", "culture"),
    ("В областной библиотеке не работает читальный зал", "culture"),
    ("Драмтеатр имени Островского в Костроме требует ремонта", "culture"),
    ("В Нерехтской ЦРБ нет хирурга уже месяц", "health"),
    ("Мантуровская поликлиника: к терапевту не записаться", "health"),
    ("В Чухломской ЦРБ в палатах холодно, отопление не работает", "health"),
    ("В Буйской районной больнице течёт крыша", "health"),
    ("В областной больнице в Костроме огромные очереди", "health"),
    ("Шарьинская окружная больница: нет лекарств в стационаре", "health"),
    ("В Галичской больнице не работает лифт, больных носят на руках", "health"),
    ("В ЦРБ в Макарьеве нет света в отделении", "health"),
    ("Почему тариф на вывоз мусора вырос в два раза", "tariffs"),
    ("Тариф за вывоз ТКО в Шарье завышен, просим проверить", "tariffs"),
    ("Региональный оператор не вывозит мусор из деревни вторую неделю", "nature"),
    ("Регоператор выставил счёт за мусор на пустой дом", "nature"),
    ("В Нерехте нет контейнерной площадки, мусор бросают у дороги", "@municipality:34626000"),
    ("В лесу у деревни в Кологривском районе незаконно вырубают деревья", "forestry"),
    ("Незаконная вырубка леса возле Мантурово, лесовозы разбили всё", "forestry"),
    # the waste tariff in people's words: a charge per registered person, a norm raised
    ("За вывоз мусора начислили на сына, который давно выписан и прописан в Костроме", "tariffs"),
    ("Норматив по мусору опять подняли, платим как за дворец", "tariffs"),
    # collection is the regional operator's; a missing container site the municipality's (rats, a ЦРБ are landmarks)
    ("В Шарье на Октябрьской мусорку не вывозят третью неделю, крысы бегают", "nature"),
    ("В Буе у ЦРБ контейнеров нет, мусор сваливают прямо на землю", "@municipality:34705000"),
    # a school's stadium is the municipal school's; a town bus is the town's even when a трасса is named
    ("В Чухломе стадион у школы зарос, ворота без сеток", "@municipality:34646000"),
    ("Шарья: городской автобус 2 сняли на выходные, идём пешком по трассе", "@municipality:34730000"),
    # a water outage is the supply's (municipal) even when the management company is named
    (
        "Кострома, ул. Сутырина, 12 — третьи сутки нет горячей воды, в управляющей компании не отвечают",
        "@municipality:34701000",
    ),
    # resettlement from emergency housing, electricity networks, food safety, fuel prices
    ("Дом на Рабочей в Мантурово аварийный, расселение обещают с 2018 года", "construction"),
    ("В Судиславле трансформатор у дома гудит и искрит, люди боятся подходить", "energy-housing"),
    ("В Нерехте в магазине продают колбасу с плесенью", "rospotrebnadzor"),
    ("Бензин в Шарье на 5 рублей дороже, чем в Костроме", "economy"),
    ("В Мантурово газовые баллоны не привозят второй месяц", "energy-housing"),
]


def route(engine: Understanding, text: str) -> RoutingDecision | None:
    """The stages after detection (a moderator may turn any message into an appeal): classify, locate, route."""
    cleaned = engine.normalizer.normalize(text).text
    category = engine.classifier.classify(cleaned)
    location = engine.locator.locate(cleaned)
    return engine.router.route(cleaned, category, location)


def expected_agency(label: str) -> str:
    return "adm-" + label.split(":")[1] if label.startswith("@municipality:") else label


def test_there_are_enough_golden_cases() -> None:
    assert len(OWNERSHIP) >= 60
    assert len({text for text, _ in OWNERSHIP}) == len(OWNERSHIP)


@pytest.mark.parametrize(("text", "owner"), OWNERSHIP, ids=[t[:40] for t, _ in OWNERSHIP])
def test_the_owner_decides_the_body(engine: Understanding, text: str, owner: str) -> None:
    decision = route(engine, text)
    assert decision is not None, text
    assert decision.agency_id == expected_agency(owner), decision.reasons
    assert decision.reasons and decision.agency_name in " ".join(decision.reasons)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("На трассе Р-243 у Судиславля огромные ямы, колёса бьём", ["Р-243", "Департамент транспорта"]),
        ("На дороге 34К-123 провалился асфальт у моста", ["34К-123", "региональной дороги"]),
        (
            "В Шарьинском районе в детском саду нет мест, ребёнка не берут",
            ["детском саду", "муниципальный", "Шарьинского"],
        ),
        ("В Нерехтской ЦРБ нет хирурга уже месяц", ["Нерехтской ЦРБ", "областная больница"]),
        ("Почему тариф на вывоз мусора вырос в два раза", ["тариф", "Департамент государственного регулирования цен"]),
        ("Трасса Кострома — Галич в ямах после зимы, ремонта нет", ["Кострома — Галич"]),
    ],
)
def test_the_decision_explains_itself_in_russian(engine: Understanding, text: str, words: list[str]) -> None:
    decision = route(engine, text)
    assert decision is not None
    explanation = " ".join(decision.reasons)
    for word in words:
        assert word in explanation, explanation


def test_a_topic_rule_overruled_by_ownership_says_so(engine: Understanding) -> None:
    decision = route(engine, "В Чухломской ЦРБ в палатах холодно, отопление не работает")
    assert decision is not None and decision.agency_id == "health"
    assert decision.source == "ownership"


def test_a_municipal_object_of_an_unknown_place_is_left_to_the_matrix_and_the_moderator(engine: Understanding) -> None:
    decision = route(engine, "В детском саду холодно, батареи еле тёплые")
    assert decision is None or decision.source != "ownership"
