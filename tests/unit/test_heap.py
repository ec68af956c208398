"""The start-up heap of a long-running process is frozen (cli/heap.py): a full collection walks only what the
process made since, and garbage made since is still collected."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from otklik.cli.heap import freeze_startup_heap


@pytest.fixture
def frozen() -> Iterator[None]:
    freeze_startup_heap()
    try:
        yield
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_the_startup_heap_leaves_the_collected_generations(frozen: None) -> None:
    assert gc.get_freeze_count() > 1000  # this test session's imports, at least
    tracked = sum(len(gc.get_objects(generation)) for generation in (0, 1, 2))
    assert tracked < gc.get_freeze_count()  # what a full collection walks is now the small part


def test_cycles_made_after_the_freeze_are_still_collected(frozen: None) -> None:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() >= 2
