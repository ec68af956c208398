"""Incident grouping: pairwise precision and recall of «the same problem» on synthetic and real-text streams.

Runs the production matcher (domain/incidents.py with the signals of nlp/incident_signal.py) the way the service
does: appeals arrive in time order, each joins the incident of its best match among the earlier appeals of the same
municipality within the window. A pair of appeals is «grouped» when they end in one incident; precision and recall
are over pairs.

- synthetic: problems (a burst pipe, no heating, a pothole, rubbish not collected, a street light out, a fallen
  tree …) at addresses of Kostroma towns, each reported 1–4 times within two days in the styles of VK, Telegram,
  portal letters and 112 cards; distractors are other problems at the same house and the same problem at other
  houses of the town. The classifier is simulated with 15 % of reports filed under a wrong group.
- real text (SPb city portal, ../shared/data/appeals-spb): truth = same house address and same fine topic («reason»)
  within 72 h; the matcher sees the point (lat/lon), the group (category) and the citizen's own words, not the
  address or the topic.

Prints `name: value unit` lines. Bounded: a fixed number of problems and at most REAL_LIMIT real appeals.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import sys
import time
import zipfile
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from otklik.domain.incidents import IncidentSignal, MatchRule, best_match
from otklik.nlp.incident_signal import content_lemmas, street_and_house

SEED = 20261202
PROBLEMS = 400
REAL_LIMIT = 6_000
SPB = Path(__file__).resolve().parents[2] / "shared" / "data" / "appeals-spb" / "appeals.csv.zip"

TOWNS = {
    "34730000": ("Шарья", ["Ленина", "Вокзальная", "Октябрьская", "Гагарина", "Свердлова"]),
    "34701000": ("Кострома", ["Советская", "Мира", "Никитская", "Шагова", "Ивановская", "Подлипаева"]),
    "34708000": ("Галич", ["Свободы", "Луначарского", "Гладышева", "Поречная"]),
    "34705000": ("Буй", ["Октябрьской Революции", "Ленинская", "Островского"]),
    "34628000": ("Нерехта", ["Володарского", "Победы", "Красноармейская"]),
}
# group, then ways people describe the same problem in each channel style
KINDS: dict[str, tuple[str, list[str]]] = {
    "pipe": (
        "ЖКХ",
        [
            "{town}, ул. {street} {house} — прорвало трубу, вода хлещет прямо на дорогу!!!",
            "на {street_gen} {house} прорыв трубы, течёт вода по всей улице, сделайте что-нибудь",
            "Здравствуйте. В г. {town} по ул. {street}, д. {house} прорвало водопроводную трубу, вода течёт по улице. "
            "Прошу принять меры.",
            "Заявитель сообщает: {town}, ул. {street}, д. {house} — порыв водопровода, затопление проезжей части.",
        ],
    ),
    "heating": (
        "ЖКХ",
        [
            "{town} ул. {street} {house} опять холодные батареи, дети мёрзнут!",
            "в доме {house} на {street_gen} нет отопления третий день, это как вообще?",
            "Прошу разобраться: в многоквартирном доме по ул. {street}, {house} (г. {town}) отсутствует отопление.",
            "Заявитель сообщает об отсутствии отопления по адресу {town}, ул. {street}, д. {house}.",
        ],
    ),
    "pothole": (
        "Дороги",
        [
            "{town}, {street} {house} — яма на дороге, колесо пробил!",
            "на {street_gen} у дома {house} огромная яма, машины бьются, когда заделают?",
            "Прошу отремонтировать проезжую часть по ул. {street} у дома {house} в г. {town}: глубокая выбоина.",
        ],
    ),
    "rubbish": (
        "ЖКХ",
        [
            "{town} ул. {street} {house} мусор не вывозят вторую неделю, контейнеры переполнены",
            "у дома {house} на {street_gen} помойка, баки не вывозят",
            "Прошу организовать вывоз ТКО по адресу г. {town}, ул. {street}, д. {house}: контейнеры переполнены.",
        ],
    ),
    "light": (
        "Благоустройство",
        [
            "{town}, ул. {street} {house} — не горит фонарь, темно как в погребе",
            "на {street_gen} возле {house} дома темно, фонари не работают уже месяц",
            "Прошу восстановить уличное освещение по ул. {street} у дома {house} (г. {town}).",
        ],
    ),
    "tree": (
        "Благоустройство",
        [
            "{town} {street} {house} упало дерево на провода!!!",
            "на {street_gen} у {house} дерево повалило ветром, перегородило тротуар",
            "Заявитель сообщает: г. {town}, ул. {street}, д. {house} — упавшее дерево, угроза обрыва проводов.",
        ],
    ),
}
GROUPS = sorted({group for group, _ in KINDS.values()} | {"Социальная сфера"})


def genitive(street: str) -> str:
    """«Ленина» stays, «Советская» → «советской»: how people write «на советской 5» in lowercase."""
    word = street.split()[-1].lower()
    if word.endswith("ая"):
        word = word[:-2] + "ой"
    return (" ".join(street.split()[:-1]).lower() + " " + word).strip()


def synthetic(rng: random.Random) -> list[tuple[IncidentSignal, int]]:
    start = datetime(2026, 11, 1, 8, 0)
    reports: list[tuple[IncidentSignal, int]] = []
    appeal_id = itertools.count(1)
    for problem in range(PROBLEMS):
        municipality = rng.choice(sorted(TOWNS))
        town, streets = TOWNS[municipality]
        street, house = rng.choice(streets), str(rng.randint(1, 40))
        kind = rng.choice(sorted(KINDS))
        group, templates = KINDS[kind]
        began = start + timedelta(hours=rng.uniform(0, 24 * 28))
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            text = rng.choice(templates).format(town=town, street=street, street_gen=genitive(street), house=house)
            seen_group = group if rng.random() > 0.15 else rng.choice(GROUPS)  # the classifier errs
            created = began + timedelta(hours=rng.uniform(0, 48))
            street_seen, house_seen = street_and_house(None, text)
            signal = IncidentSignal(
                appeal_id=next(appeal_id),
                created_at=created,
                municipality_id=municipality,
                group=seen_group,
                settlement_id=municipality,
                settlement_population=30_000,
                street=street_seen,
                house=house_seen,
                lemmas=content_lemmas(text, street=street_seen),
            )
            reports.append((signal, problem))
    return sorted(reports, key=lambda pair: pair[0].created_at)


def real_text(limit: int) -> list[tuple[IncidentSignal, int]]:
    if not SPB.exists():
        return []
    with zipfile.ZipFile(SPB) as archive, archive.open("appeals.csv") as raw:
        rows = list(csv.DictReader(io.TextIOWrapper(raw, "utf-8")))
    rows = [r for r in rows if r["address"] and r["lat"] and r["text"].strip()]
    rows.sort(key=lambda r: r["created"])
    rows = rows[:limit]
    truth: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    labelled: list[tuple[IncidentSignal, int]] = []
    problem_ids = itertools.count()
    for number, row in enumerate(rows, 1):
        created = datetime.fromisoformat(row["created"])
        key = (row["address"], row["reason"])
        earlier = [p for at, p in truth[key] if created - at <= timedelta(hours=72)]
        problem = earlier[-1] if earlier else next(problem_ids)
        truth[key].append((created, problem))
        signal = IncidentSignal(
            appeal_id=number,
            created_at=created,
            municipality_id=row["district"],
            group=row["category"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            lemmas=content_lemmas(row["text"]),
        )
        labelled.append((signal, problem))
    return labelled


def group_stream(stream: list[tuple[IncidentSignal, int]], rule: MatchRule) -> dict[int, int]:
    """appeal id → incident key, linking each arrival to its best earlier match as the service does."""
    incident_of: dict[int, int] = {}
    recent: dict[str | None, list[IncidentSignal]] = defaultdict(list)
    for signal, _ in stream:
        pool = [c for c in recent[signal.municipality_id] if signal.created_at - c.created_at <= rule.window]
        recent[signal.municipality_id] = pool
        found = best_match(signal, pool, rule)
        incident_of[signal.appeal_id] = incident_of[found[0].appeal_id] if found else signal.appeal_id
        pool.append(signal)
    return incident_of


def pair_scores(stream: list[tuple[IncidentSignal, int]], incident_of: dict[int, int]) -> tuple[float, float, int]:
    truth_pairs: set[tuple[int, int]] = set()
    by_problem: dict[int, list[int]] = defaultdict(list)
    for signal, problem in stream:
        by_problem[problem].append(signal.appeal_id)
    for members in by_problem.values():
        truth_pairs.update(itertools.combinations(sorted(members), 2))
    by_incident: dict[int, list[int]] = defaultdict(list)
    for appeal_id, incident in incident_of.items():
        by_incident[incident].append(appeal_id)
    predicted: set[tuple[int, int]] = set()
    for members in by_incident.values():
        predicted.update(itertools.combinations(sorted(members), 2))
    hits = len(truth_pairs & predicted)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth_pairs) if truth_pairs else 1.0
    return precision, recall, len(truth_pairs)


def report(name: str, stream: list[tuple[IncidentSignal, int]], rule: MatchRule) -> None:
    started = time.perf_counter()
    incident_of = group_stream(stream, rule)
    elapsed = time.perf_counter() - started
    precision, recall, pairs = pair_scores(stream, incident_of)
    print(f"incidents_{name}_appeals: {len(stream)} count")
    print(f"incidents_{name}_true_pairs: {pairs} count")
    print(f"incidents_{name}_precision: {precision:.3f} ratio")
    print(f"incidents_{name}_recall: {recall:.3f} ratio")
    print(f"incidents_{name}_grouping_rate: {len(stream) / elapsed:.0f} appeals/s")


def main() -> int:
    rule = MatchRule()
    report("synthetic", synthetic(random.Random(SEED)), rule)
    real = real_text(REAL_LIMIT)
    if real:
        report("real_spb", real, rule)
    else:
        print(f"incidents_real_spb: skipped (no {SPB})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
