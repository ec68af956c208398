"""The router's memory of corrections (bounded, nearest by cosine, newer decisions win) and its ownership data
(checked on load: a wrong body or group names the row)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from otklik.domain.analysis import CategoryGuess, LocationGuess
from otklik.domain.reference import ReferenceData
from otklik.nlp.corpora import nlp_dir
from otklik.nlp.correction_memory import CorrectionMemory
from otklik.nlp.ownership import OwnershipEvidence
from otklik.nlp.router import HybridRouter
from otklik.pipeline.components import Understanding

TEXT = "Возле рынка в Буе бабушки торгуют с земли овощами, весь тротуар занят"


def memory_of(engine: Understanding, **kwargs: int | float) -> CorrectionMemory:
    featurizer = engine.classifier.featurizer  # type: ignore[attr-defined]
    return CorrectionMemory(featurizer, **kwargs)  # type: ignore[arg-type]


def test_a_nearly_identical_text_is_recalled_and_a_different_one_is_not(engine: Understanding) -> None:
    memory = memory_of(engine)
    memory.remember(TEXT, group="Торговля", agency_label="economy")
    recall = memory.recall(TEXT + "!!! Примите меры")
    assert recall is not None and recall.case.agency_label == "economy" and recall.similarity >= memory.threshold
    assert memory.recall("В Нерехтской ЦРБ нет хирурга уже месяц") is None


def test_the_newer_decision_about_the_same_text_wins_and_keeps_what_it_leaves_open(engine: Understanding) -> None:
    memory = memory_of(engine)
    memory.remember(TEXT, group="Торговля", topic="Нестационарная торговля (киоски, павильоны, сезонная торговля)")
    memory.remember(TEXT, agency_label="economy")
    memory.remember(TEXT, agency_label="rospotrebnadzor")
    assert len(memory) == 1
    recall = memory.recall(TEXT)
    assert recall is not None
    assert (recall.case.group, recall.case.agency_label) == ("Торговля", "rospotrebnadzor")


def test_the_memory_is_bounded_and_forgets_the_oldest(engine: Understanding) -> None:
    memory = memory_of(engine, capacity=3)
    texts = [
        "Во дворе на Мира сломаны качели",
        "На кладбище в селе нет мест для захоронения",
        "Каток на стадионе не залили к зиме",
        "Сотовой связи в деревне нет совсем",
    ]
    for text in texts:
        memory.remember(text, group="Благоустройство")
    assert len(memory) == 3
    assert memory.recall(texts[0]) is None and memory.recall(texts[-1]) is not None


def test_many_cases_at_once_and_clear(engine: Understanding) -> None:
    memory = memory_of(engine, capacity=2)
    kept = memory.remember_many(
        [(TEXT, "Торговля", None, None), (TEXT, None, None, "economy"), ("Нет света", None, None, "energy-housing")]
    )
    assert kept == 2
    recall = memory.recall(TEXT)
    assert recall is not None and (recall.case.group, recall.case.agency_label) == ("Торговля", "economy")
    memory.clear()
    assert len(memory) == 0 and memory.recall(TEXT) is None


def test_a_case_without_a_decision_is_not_kept(engine: Understanding) -> None:
    memory = memory_of(engine)
    memory.remember(TEXT)
    memory.remember("   ", group="Торговля")
    assert len(memory) == 0


def test_the_router_uses_a_remembered_body_before_the_rules(engine: Understanding, reference: ReferenceData) -> None:
    memory = memory_of(engine)
    router = HybridRouter(reference, memory=memory)
    category = CategoryGuess("Дороги", None, 0.9)
    text = "На трассе Р-243 у Судиславля огромные ямы, колёса бьём"
    decision = router.route(text, category, LocationGuess())
    assert decision is not None and decision.agency_id == "transport" and decision.source == "ownership"
    memory.remember(text, agency_label="@municipality")
    unplaced = router.route(text, category, LocationGuess())  # the administration of an unknown place: the rules
    assert unplaced is not None and unplaced.source == "ownership"
    remembered = router.route(text, category, LocationGuess(municipality_id="34642000", confidence=0.9))
    assert remembered is not None and remembered.agency_id == "adm-34642000" and remembered.source == "memory"
    assert remembered.reasons[0].startswith("похоже на исправленное людьми обращение")


def _copy_data(tmp_path: Path) -> Path:
    for name in ("ownership_rules.csv", "regional_roads.csv", "regional_institutions.csv"):
        (tmp_path / name).write_text((nlp_dir() / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_an_unknown_body_in_the_rules_names_the_rule(tmp_path: Path, reference: ReferenceData) -> None:
    directory = _copy_data(tmp_path)
    rules = directory / "ownership_rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8").replace(",tariffs,", ",no-such-body,", 1), encoding="utf-8")
    with pytest.raises(
        ValueError, match=re.escape("ownership_rules.csv, «тариф на вывоз ТКО»: unknown agency 'no-such-body'")
    ):
        OwnershipEvidence.from_data(directory, reference)


def test_a_bad_pattern_names_its_line(tmp_path: Path, reference: ReferenceData) -> None:
    directory = _copy_data(tmp_path)
    roads = directory / "regional_institutions.csv"
    lines = roads.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("(?:црб", "(?:црб(", 1)
    roads.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("regional_institutions.csv, line 4: bad pattern")):
        OwnershipEvidence.from_data(directory, reference)


def test_every_shipped_list_row_names_its_source() -> None:
    for name in ("ownership_rules.csv", "regional_roads.csv", "regional_institutions.csv"):
        with (nlp_dir() / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and all(row["source"].strip() for row in rows), name
