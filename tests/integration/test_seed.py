"""Reference data: everything from the shipped files is in the database; re-seeding keeps users' edits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from otklik.adapters.db.tables.reference import agencies, competence_rules, settlements, topic_groups, topics
from otklik.reference.files import load_reference
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db


def test_seed_loaded_the_whole_region(ctx: ServiceContext) -> None:
    with ctx.uow(readonly=True) as uow:
        assert len(uow.reference.list_municipalities()) == 29
        assert uow.session.scalar(select(func.count()).select_from(settlements)) == 3498
        rubricator = uow.reference.rubricator()
    assert len(rubricator.groups) == 26
    assert sum(len(g.topics) for g in rubricator.groups) == 195
    inactive = {g.name for g in rubricator.groups if not g.active}
    assert inactive == {"Коронавирус", "Мобилизация", "Спецпроекты"}
    assert rubricator.topic("Прорыв трубы/трубопровода") is not None
    assert rubricator.topic("Прорыв трубы/трубопровода").priority  # type: ignore[union-attr]


def test_every_municipality_has_an_administration(ctx: ServiceContext) -> None:
    matrix = ctx.reference.competence_matrix()
    for municipality in ctx.reference.municipalities:
        administration = matrix.administration_of(municipality.id)
        assert administration is not None, municipality.name
        assert administration.municipality_id == municipality.id


def test_reseeding_adds_nothing_and_keeps_edits(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        uow.reference.mark_edited(agencies, "health", name="Минздрав области (переименован)")
        uow.commit()
    with ctx.uow() as uow:
        counts = uow.reference.seed(load_reference())
        uow.commit()
    assert set(counts.values()) == {0}
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        name = session.scalar(select(agencies.c.name).where(agencies.c.id == "health"))
        assert session.scalar(select(func.count()).select_from(topics)) == 195
        assert session.scalar(select(func.count()).select_from(topic_groups)) == 26
        assert session.scalar(select(func.count()).select_from(competence_rules)) == len(ctx.reference.competence_rules)
    assert name == "Минздрав области (переименован)"
    with ctx.uow() as uow:  # put the seeded name back for other tests
        seeded = ctx.reference.agency("health")
        assert seeded is not None
        uow.session.execute(agencies.update().where(agencies.c.id == "health").values(name=seeded.name, edited=False))
        uow.commit()


def test_reference_endpoints(client: TestClient) -> None:
    municipalities = client.get("/api/v1/reference/municipalities").json()
    assert len(municipalities) == 29
    assert {"id", "name", "type", "oktmo"} <= set(municipalities[0])
    sharya = next(m for m in municipalities if m["name"] == "Шарья")
    assert sharya["oktmo"] == "34730000"
    agencies_list = client.get("/api/v1/reference/agencies").json()
    levels = {a["level"] for a in agencies_list}
    assert {"regional", "municipal"} <= levels
    administration = next(a for a in agencies_list if a["id"] == "adm-34730000")
    assert administration["municipality"] == "Шарья"
    categories = client.get("/api/v1/reference/categories").json()
    assert len(categories) == 26
    roads = next(c for c in categories if c["group"] == "Дороги")
    assert len(roads["topics"]) == 22
