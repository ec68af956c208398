"""The incident matcher (domain/incidents.py) with the signals of nlp/incident_signal.py, on texts people write."""

from __future__ import annotations

from datetime import datetime, timedelta

from otklik.domain.incidents import IncidentSignal, best_match, distance_metres, match
from otklik.nlp.incident_signal import content_lemmas, street_and_house

T0 = datetime(2026, 12, 2, 9, 0)


def signal(appeal_id: int, text: str, group: str, *, hours: float = 0, municipality: str = "34730000",
           population: int = 33_000, lat: float | None = None, lon: float | None = None) -> IncidentSignal:  # fmt: skip
    street, house = street_and_house(None, text)
    return IncidentSignal(
        appeal_id=appeal_id,
        created_at=T0 + timedelta(hours=hours),
        municipality_id=municipality,
        group=group,
        settlement_id=f"s-{municipality}",
        settlement_population=population,
        street=street,
        house=house,
        lat=lat,
        lon=lon,
        lemmas=content_lemmas(text, street=street),
    )


PIPE_VK = signal(1, "Шарья, ул. Ленина 12 — прорвало трубу, вода хлещет прямо на дорогу!!!", "Дороги")
PIPE_TG = signal(2, "в шарье на ленина 12 прорыв трубы, течёт вода по всей улице", "ЖКХ", hours=2)
PIPE_MAIL = signal(
    3, "В г. Шарья по ул. Ленина, д. 12 прорвало водопроводную трубу. Прошу принять меры.", "ЖКХ", hours=5
)


def test_one_burst_pipe_in_three_channels_is_one_problem_even_under_two_groups() -> None:
    assert match(PIPE_TG, PIPE_MAIL) is not None
    cross = match(PIPE_VK, PIPE_TG)
    assert cross is not None and any("тот же дом" in reason for reason in cross.reasons)


def test_other_problems_at_the_same_house_are_not_grouped() -> None:
    rubbish = signal(4, "Шарья, ул. Ленина 12 — во дворе не вывозят мусор вторую неделю", "ЖКХ", hours=1)
    heating = signal(5, "ул. Ленина 12 в Шарье опять холодные батареи, дети мёрзнут", "ЖКХ", hours=1)
    assert match(PIPE_TG, rubbish) is None
    assert match(PIPE_TG, heating) is None


def test_the_same_problem_elsewhere_or_later_is_not_grouped() -> None:
    other_house = signal(6, "в шарье на ленина 40 прорыв трубы, течёт вода", "ЖКХ", hours=1)
    other_town = signal(7, "в галиче на ленина 12 прорыв трубы, течёт вода", "ЖКХ", hours=1, municipality="34708000")
    next_week = signal(8, "в шарье на ленина 12 прорыв трубы, течёт вода", "ЖКХ", hours=24 * 7)
    assert match(PIPE_TG, other_house) is None
    assert match(PIPE_TG, other_town) is None
    assert match(PIPE_TG, next_week) is None


def test_a_village_is_a_place_a_city_is_not() -> None:
    village_a = signal(9, "в деревне опять нет воды, колонка сломана", "ЖКХ", population=120)
    village_b = signal(10, "третий день без воды, колонка не работает", "ЖКХ", hours=3, population=120)
    city_a = signal(11, "опять упало дерево на провода", "Благоустройство", population=270_000)
    city_b = signal(12, "упало дерево, оборвало провода", "Благоустройство", hours=3, population=270_000)
    assert match(village_a, village_b) is not None
    assert match(city_a, city_b) is None


def test_points_of_one_house_match_and_the_best_candidate_wins() -> None:
    here = signal(13, "яма на дороге, колесо пробил", "Дороги", lat=58.3760, lon=45.4062)
    same_point = signal(14, "огромная яма, машины бьются", "Дороги", hours=1, lat=58.37601, lon=45.40622)
    far_point = signal(15, "яма на дороге, колесо пробил", "Дороги", hours=1, lat=58.3860, lon=45.4062)
    assert distance_metres(58.3760, 45.4062, 58.3860, 45.4062) > 1000
    found = best_match(here, [far_point, same_point])
    assert found is not None and found[0].appeal_id == 14
