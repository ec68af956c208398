"""Appeal numbers and the competence matrix."""

from __future__ import annotations

import pytest

from otklik.domain.agency import Agency, AgencyLevel
from otklik.domain.competence import MUNICIPAL_ADMINISTRATION, CompetenceMatrix, CompetenceRule
from otklik.domain.numbering import AppealNumber
from otklik.reference.files import load_reference


def test_number_format_round_trips() -> None:
    number = AppealNumber(44, 2026, 123)
    assert str(number) == "44-2026-000123"
    assert AppealNumber.parse("44-2026-000123") == number
    with pytest.raises(ValueError, match="expected like"):
        AppealNumber.parse("2026/123")


AGENCIES = {
    "housing": Agency("housing", "ГЖИ", AgencyLevel.REGIONAL, None),
    "adm-1": Agency("adm-1", "Администрация 1", AgencyLevel.MUNICIPAL, "1"),
    "adm-2": Agency("adm-2", "Администрация 2", AgencyLevel.MUNICIPAL, "2"),
    "water": Agency("water", "Водоканал", AgencyLevel.OTHER, None),
}
RULES = [
    CompetenceRule("ЖКХ", None, None, "housing"),
    CompetenceRule("ЖКХ", "Отсутствие холодной воды", None, MUNICIPAL_ADMINISTRATION),
    CompetenceRule("ЖКХ", "Отсутствие холодной воды", "2", "water"),
]


def test_most_specific_rule_wins() -> None:
    matrix = CompetenceMatrix(RULES, AGENCIES)
    assert matrix.resolve("ЖКХ", "Лифт неисправен или отключен", "1").agency.id == "housing"  # type: ignore[union-attr]
    assert matrix.resolve("ЖКХ", "Отсутствие холодной воды", "1").agency.id == "adm-1"  # type: ignore[union-attr]
    override = matrix.resolve("ЖКХ", "Отсутствие холодной воды", "2")
    assert override is not None and override.agency.id == "water"
    assert "особое правило" in override.explain()


def test_municipal_rule_without_a_place_falls_back_to_the_group() -> None:
    matrix = CompetenceMatrix(RULES, AGENCIES)
    resolved = matrix.resolve("ЖКХ", "Отсутствие холодной воды", None)
    assert resolved is not None and resolved.agency.id == "housing"


def test_unknown_group_has_no_body() -> None:
    assert CompetenceMatrix(RULES, AGENCIES).resolve("Космос", None, "1") is None


def test_shipped_matrix_covers_every_group_and_names_real_topics() -> None:
    reference = load_reference()
    matrix = reference.competence_matrix()
    for group in reference.rubricator.groups:
        for topic in group.topics:
            resolved = matrix.resolve(group.name, topic.name, reference.municipalities[0].id)
            assert resolved is not None, (group.name, topic.name)
    for rule in reference.competence_rules:
        assert reference.rubricator.group(rule.group) is not None, rule
        assert rule.topic is None or reference.rubricator.topic(rule.topic) is not None, rule
        assert rule.agency_id == MUNICIPAL_ADMINISTRATION or reference.agency(rule.agency_id), rule
