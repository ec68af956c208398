"""Units of the engine: calibration, the model store, corrections, PII, streets, the locator's rules."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from otklik.domain.competence import MUNICIPAL_ADMINISTRATION
from otklik.domain.reference import ReferenceData
from otklik.nlp import corpora
from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead
from otklik.nlp.model_store import load_or_build
from otklik.nlp.pii import find_personal_data, mask
from otklik.nlp.streets import find_address
from otklik.nlp.training import _valid_corrections
from otklik.pipeline.components import Understanding


def test_linear_head_probabilities_are_calibrated_and_sum_to_one() -> None:
    texts = [f"яма на дороге {i}" for i in range(20)] + [f"нет горячей воды {i}" for i in range(20)]
    labels = ["roads"] * 20 + ["water"] * 20
    featurizer = Featurizer()
    head = LinearHead().fit(featurizer.fit_transform(texts), labels)
    p = head.proba(featurizer.transform(["глубокая яма на дороге", "опять нет воды"]))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert list(head.classes_[p.argmax(axis=1)]) == ["roads", "water"]
    assert head.temperature_ > 0


def test_model_store_builds_once_under_concurrency(tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"answer": 42}

    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(load_or_build(tmp_path, "x", build))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results == [{"answer": 42}] * 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_corrections_are_checked_against_the_rubricator(reference: ReferenceData) -> None:
    kept = _valid_corrections(
        [("Яма во дворе", "Благоустройство", "Ямы во дворах"), ("x", "Нет такой группы", ""), ("", "ЖКХ", "")],
        reference,
    )
    assert [(c.group, c.topic) for c in kept] == [("Благоустройство", "Ямы во дворах")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("звоните 8 (4942) 31-22-33", "phone"),
        ("+79201234567", "phone"),
        ("ИНН 440100123456", "inn"),
        ("пишите на ivan.petrov@mail.ru", "email"),
        ("обратилась Петрова А.В. из дома 5", "name"),
    ],
)
def test_personal_data_kinds(text: str, kind: str) -> None:
    spans = find_personal_data(text)
    assert kind in {s.kind for s in spans}
    assert "[" in mask(text, spans)


def test_no_personal_data_in_a_plain_complaint() -> None:
    assert find_personal_data("Во дворе дома 5 яма уже два года, просим заделать") == ()


@pytest.mark.parametrize(
    ("text", "street", "house"),
    [
        ("ул. Ленина, д. 5", "Ленина", "5"),
        ("на улице Советской 12", "Советская", "12"),
        ("пр-т Мира 3 — яма", "Мира", "3"),
        ("проспект Дружбы д.19Д", "Дружбы", "19Д"),
        ("Кинешемское шоссе 5", "Кинешемское шоссе", "5"),
    ],
)
def test_streets(text: str, street: str, house: str) -> None:
    found = find_address(text)
    assert found is not None and (found.street, found.house) == (street, house)


def test_crosswalks_point_at_the_reference_data(reference: ReferenceData) -> None:
    ref = reference
    kursk_topics = {row[corpora.KURSK_TOPIC] for row in corpora.kursk_rows()}
    crosswalk = corpora.topic_crosswalk()
    assert len(crosswalk) >= len(kursk_topics) - 5  # a few topics are excluded on purpose
    for group, topic in crosswalk.values():
        found = ref.rubricator.topic(topic)
        assert found is not None and found.group == group and found.active, (group, topic)
    for example in corpora.seed_examples():
        found = ref.rubricator.topic(example.topic)
        assert found is not None and found.group == example.group, example
    agencies = {a.id for a in ref.agencies} | {MUNICIPAL_ADMINISTRATION}
    assert set(corpora.executor_crosswalk().values()) <= agencies


def test_engine_is_safe_to_share_between_threads(engine: Understanding) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"В Буе на улице Ленина {i} не горят фонари" for i in range(40)] + ["Спасибо!"] * 5

    def detect(text: str) -> bool:
        return engine.detector.detect(text, channel="vk").is_appeal and engine.classifier.classify(text) is not None

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(detect, texts))
    assert results == [True] * 40 + [False] * 5
