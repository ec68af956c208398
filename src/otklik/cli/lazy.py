"""A command group whose commands are imported when run, not when `otklik` starts.

Importing every command module up front cost each start 2–5 s (the web app, WeasyPrint, SQLAlchemy…), so
`otklik analyze` waited for code it never used. Each entry names a module and either its Typer sub-app (`app`) or
a command function; only the module of the command being run is imported. `otklik --help` still lists every
command (and so imports them all, as before).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click as click  # Typer's own (vendored) click: its groups and contexts are of these types
from typer.core import TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    module: str  # e.g. "otklik.cli.analyze"
    attribute: str  # a typer.Typer (a command group) or a function (a single command)


def load_command(name: str, entry: LazyCommand) -> click.Command:
    """The click command of an entry, built the way `Typer.command` / `Typer.add_typer` would build it."""
    target: Any = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(target, typer.Typer):
        group = typer.main.get_group(target)
        group.name = name
        return group
    single = typer.Typer(add_completion=False)  # completion options belong to the root only
    single.command(name)(target)
    return typer.main.get_command(single)


class LazyGroup(TyperGroup):
    """A TyperGroup that adds the commands of `lazy` (name → entry), each loaded on first use."""

    lazy: ClassVar[dict[str, LazyCommand]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in self.lazy if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.commands[cmd_name] = load_command(cmd_name, self.lazy[cmd_name])
        return super().get_command(ctx, cmd_name)
