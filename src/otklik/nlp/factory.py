"""Builds the Understanding used by the pipeline from the trained models and the reference data."""

from __future__ import annotations

import hashlib
from pathlib import Path

from otklik.domain.reference import ReferenceData
from otklik.nlp.corpora import nlp_dir, obscenity_roots, urgency_patterns
from otklik.nlp.correction_memory import CorrectionMemory
from otklik.nlp.decision import DecisionScorer, shipped_decision_model
from otklik.nlp.detector import APPEAL_THRESHOLD, ModelAppealDetector
from otklik.nlp.gazetteer import Gazetteer
from otklik.nlp.gazetteer import data_fingerprint as gazetteer_fingerprint
from otklik.nlp.group_placement import DATA_FILE as PLACEMENT_FILE
from otklik.nlp.group_placement import GroupPlacement
from otklik.nlp.group_placement import load_rules as load_placement_rules
from otklik.nlp.locator import GazetteerLocator
from otklik.nlp.model_store import load_or_build, model_dir, production_models
from otklik.nlp.models import ENGINE_VERSION, EngineModels
from otklik.nlp.normalizer import TextNormalizer
from otklik.nlp.priority import UrgencyAssessor
from otklik.nlp.router import HybridRouter
from otklik.nlp.topics import RubricatorClassifier
from otklik.nlp.toxicity import ToxicityScorer, compile_lexicon
from otklik.pipeline.components import Understanding


def _gazetteer_key(reference: ReferenceData) -> str:
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for s in reference.settlements:
        digest.update(f"{s.id}|{s.name}|{s.type}|{s.municipality_id}|{s.population}\n".encode())
    for m in reference.municipalities:
        digest.update(f"{m.id}|{m.name}\n".encode())
    digest.update(gazetteer_fingerprint())
    return digest.hexdigest()[:16]


def cached_gazetteer(reference: ReferenceData, directory: Path | None = None) -> Gazetteer:
    """The gazetteer of these reference data, cached next to the models (building takes a few seconds)."""
    gazetteer = load_or_build(
        model_dir(directory), f"gazetteer-{_gazetteer_key(reference)}", lambda: Gazetteer(reference)
    )
    return gazetteer


def group_placement(reference: ReferenceData) -> GroupPlacement:
    """The rubricator's placement rules (data/nlp/group_placement.csv), checked against its groups."""
    groups = [g.name for g in reference.rubricator.groups]
    return GroupPlacement(load_placement_rules(nlp_dir() / PLACEMENT_FILE, groups))


def build_understanding(
    reference: ReferenceData,
    *,
    auto_assign_threshold: float = 0.85,  # the settings' default (a test keeps them equal)
    model_dir: Path | None = None,
    models: EngineModels | None = None,
    appeal_threshold: float = APPEAL_THRESHOLD,
) -> Understanding:
    """The engine: models from `model_dir` (OTKLIK_MODEL_DIR, default ./var/models), built on first use."""
    models = models or production_models(model_dir)
    toxicity = ToxicityScorer(models.featurizer, models.toxicity, compile_lexicon(obscenity_roots()))
    memory = CorrectionMemory(models.featurizer)  # shared: the classifier and the router consult the same cases
    return Understanding(
        normalizer=TextNormalizer(),
        detector=ModelAppealDetector(models.featurizer, models.appeal, toxicity, appeal_threshold),
        classifier=RubricatorClassifier(
            models.featurizer,
            models.groups,
            models.topics,
            reference.rubricator,
            memory=memory,
            placement=group_placement(reference),
        ),
        priority=UrgencyAssessor(reference, urgency_patterns()),
        locator=GazetteerLocator(reference, cached_gazetteer(reference, model_dir)),
        router=HybridRouter(reference, models.featurizer, models.router, memory=memory),
        auto_assign_threshold=auto_assign_threshold,
        memory=memory,
        decision=DecisionScorer(shipped_decision_model()),
    )
