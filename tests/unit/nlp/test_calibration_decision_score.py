"""The decision score: features read from the stages' results, a logistic model shipped as data, explained in
Russian; the route stage sends to a moderator exactly what falls below the threshold."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from otklik.domain.agency import AgencyLevel
from otklik.domain.analysis import CategoryGuess, Detection, LocationGuess, RoutingDecision
from otklik.nlp.decision import (
    DecisionModel,
    DecisionScorer,
    decision_features,
    load_decision_model,
    place_features,
    shipped_decision_model,
)
from otklik.pipeline.context import PipelineContext
from otklik.pipeline.stages.route import RouteStage

CATEGORY = CategoryGuess(
    "ЖКХ", "Отсутствие холодной воды", 0.9, ("группа «ЖКХ» (0.80): воды",), model_group="ЖКХ", group_probability=0.8
)
MUNICIPAL = RoutingDecision("adm-34606000", "Администрация", AgencyLevel.MUNICIPAL, "Вохомский", 0.7, "ownership")
PLACE = LocationGuess(municipality_id="34606000", settlement_id="1", confidence=0.9)


def test_the_features_carry_every_stage_signal() -> None:
    detection = Detection(True, 0.95, False, 0.0)
    features = decision_features("в вохме нет воды", "vk", detection, CATEGORY, MUNICIPAL, PLACE)
    assert features["topic_confidence"] == 0.9 and features["route_confidence"] == 0.7
    assert features["weakest_confidence"] == 0.7 and features["place_confidence"] == 0.9
    assert features["appeal_score"] == 0.95 and features["social_channel"] == 1.0
    assert features["route_source=ownership"] == 1.0 and features["body=municipal"] == 1.0
    assert features["group=ЖКХ"] == 1.0 and features["group_probability"] == 0.8
    assert features["group_placed"] == 0.0 and features["topic_named"] == 1.0
    assert features["place_settlement_id_named"] == 1.0 and features["place_street_named"] == 0.0
    assert 0.0 < features["text_length"] <= 1.0


def test_a_placement_rule_that_moved_the_group_is_a_feature() -> None:
    moved = dataclasses.replace(CATEGORY, group="Благоустройство")
    features = decision_features("x", None, None, moved, None, LocationGuess())
    assert features["group_placed"] == 1.0 and features["route_confidence"] == 0.0


def test_the_group_model_is_read_from_its_fields_not_from_the_wording_of_the_reason() -> None:
    reworded = dataclasses.replace(CATEGORY, reasons=("модель групп: ЖКХ, 0,8",), group_probability=0.64)
    assert decision_features("x", None, None, reworded, None, LocationGuess())["group_probability"] == 0.64
    remembered = CategoryGuess("ЖКХ", None, 0.97, ("похоже на исправленное людьми обращение",))
    features = decision_features("x", None, None, remembered, None, LocationGuess())
    assert "group_probability" not in features and "group_placed" not in features


@dataclasses.dataclass(frozen=True)
class _LaterLocation(LocationGuess):
    """A locator of a later round: fields this module has never heard of."""

    evidence: str | None = None
    alternatives: tuple[str, ...] = ()
    ambiguity: float = 0.0


def test_new_place_fields_become_features_without_a_code_change() -> None:
    later = _LaterLocation(
        municipality_id="34606000", evidence="street_only", alternatives=("д. Митино",), ambiguity=0.4
    )
    features = place_features(later)
    assert features["place_evidence=street_only"] == 1.0
    assert features["place_alternatives"] == 1.0 and features["place_ambiguity"] == 0.4
    assert "place_municipality=None" not in features


def test_the_model_is_a_logistic_over_known_features_and_ignores_unknown_ones() -> None:
    model = DecisionModel(-1.0, {"a": 2.0, "b": -3.0}, {"a": "сигнал а", "b": "сигнал б"})
    decided = model.decide({"a": 1.0, "b": 0.5, "new_field": 7.0})
    assert decided.score == pytest.approx(1 / (1 + math.exp(-(-1.0 + 2.0 - 1.5))))
    assert decided.reasons == ("за: сигнал а", "против: сигнал б")


def test_the_shipped_weights_load_and_order_messages_sensibly() -> None:
    model = shipped_decision_model()
    assert model.weights and all(model.labels.values())
    sure = decision_features("в вохме нет воды", "vk", None, CATEGORY, MUNICIPAL, PLACE)
    unsure = decision_features(
        "нет воды",
        "vk",
        None,
        dataclasses.replace(CATEGORY, confidence=0.3),
        dataclasses.replace(MUNICIPAL, confidence=0.2, reasons=("колодец — но место не названо",)),
        LocationGuess(),
    )
    assert model.decide(sure).score > model.decide(unsure).score


def test_a_weights_file_without_an_intercept_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "weights.csv"
    path.write_text("feature,weight,label\na,1.0,сигнал\n", encoding="utf-8")
    with pytest.raises(ValueError, match="intercept"):
        load_decision_model(path)


class _FixedRouter:
    def route(self, text: str, category: CategoryGuess | None, location: LocationGuess) -> RoutingDecision | None:
        return MUNICIPAL


@pytest.mark.parametrize(("intercept", "moderated"), [(3.0, False), (-3.0, True)])
def test_the_route_stage_moderates_below_the_threshold_and_says_why(intercept: float, moderated: bool) -> None:
    stage = RouteStage(_FixedRouter(), 0.5, DecisionScorer(DecisionModel(intercept, {}, {})))
    ctx = PipelineContext(raw_text="в вохме нет воды", category=CATEGORY, location=PLACE)
    stage(ctx)
    assert ctx.needs_moderation is moderated
    assert any("уверенность решения" in line for line in ctx.explanation)
    assert any(line.startswith("на модерацию") for line in ctx.explanation) is moderated
