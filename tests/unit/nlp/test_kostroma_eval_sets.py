"""The Kostroma evaluation sets (bench/data/kostroma) speak the shipped reference data's language."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from otklik.domain.channels import Channel
from otklik.domain.reference import ReferenceData

SETS = Path(__file__).resolve().parents[3] / "bench" / "data" / "kostroma"
MINIMUM = {
    "dev": 320,
    "heldout": 160,
    "fresh": 270,
    "unseen": 150,
    "unseen2": 200,
    "unseen3": 150,
    "unseen4": 220,
    "unseen5": 300,
}
FIELDS = {"id", "channel", "text", "is_appeal", "group", "municipality_id", "agency_id", "why"}


def rows(name: str) -> list[dict[str, Any]]:
    with (SETS / f"{name}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_each_set_is_big_enough_and_mixes_appeals_with_chatter(name: str) -> None:
    data = rows(name)
    share = sum(not r["is_appeal"] for r in data) / len(data)
    assert len(data) >= MINIMUM[name]
    assert 0.2 <= share <= 0.35, f"non-appeal share {share:.2f}"
    assert len({r["id"] for r in data}) == len(data)


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_every_label_is_a_valid_name_of_the_reference_data(name: str, reference: ReferenceData) -> None:
    active_groups = {g.name for g in reference.rubricator.groups if g.active}
    municipalities = {m.id for m in reference.municipalities}
    channels = {c.value for c in Channel}
    for row in rows(name):
        where = f"{name} {row['id']}"
        assert set(row) == FIELDS, where
        assert row["channel"] in channels, where
        assert row["text"].strip() and row["why"].strip(), where
        if not row["is_appeal"]:
            assert (row["group"], row["municipality_id"], row["agency_id"]) == (None, None, None), where
            continue
        assert row["group"] in active_groups, where
        assert row["municipality_id"] is None or row["municipality_id"] in municipalities, where
        agency = reference.agency(row["agency_id"])
        assert agency is not None and agency.active, where
        if agency.municipality_id is not None:  # a municipal administration answers for its own territory only
            assert agency.municipality_id == row["municipality_id"], where


@pytest.mark.parametrize(
    "names", [("dev", "heldout"), ("unseen",), ("unseen2",), ("unseen3",), ("unseen4",), ("unseen5",)]
)
def test_every_municipality_appears(names: tuple[str, ...], reference: ReferenceData) -> None:
    seen = {r["municipality_id"] for name in names for r in rows(name)}
    missing = sorted(m.name for m in reference.municipalities if m.id not in seen)
    assert missing == []


@pytest.mark.parametrize(("one", "other"), list(itertools.combinations(sorted(MINIMUM), 2)))
def test_no_text_is_in_two_sets(one: str, other: str) -> None:
    def texts(name: str) -> set[str]:
        return {" ".join(r["text"].casefold().split()) for r in rows(name)}

    assert texts(one) & texts(other) == set()


def test_non_public_channels_carry_only_appeals() -> None:
    """A portal letter, a hotline card or an e-mail is an appeal by definition (the detector agrees by design)."""
    public = {Channel.VK.value, Channel.TELEGRAM.value}
    for name in MINIMUM:
        assert all(r["is_appeal"] for r in rows(name) if r["channel"] not in public)


def test_the_newest_blind_set_gives_every_municipality_four_appeals(reference: ReferenceData) -> None:
    """unseen5 was written to judge every municipality, not just to name it once."""
    appeals = [r["municipality_id"] for r in rows("unseen5") if r["is_appeal"]]
    thin = sorted(m.name for m in reference.municipalities if appeals.count(m.id) < 4)
    assert thin == []
