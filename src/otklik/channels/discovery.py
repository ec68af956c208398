"""Finds what each channel folder offers by a module name (routes, sender, background); read once at start-up."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import otklik.channels


def channel_modules(submodule: str) -> Iterator[ModuleType]:
    """`otklik.channels.<name>.<submodule>` of every channel that has one, in name order."""
    for info in sorted(pkgutil.iter_modules(otklik.channels.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"otklik.channels.{info.name}.{submodule}"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:  # the module exists but something it imports is missing: a real error
                raise
