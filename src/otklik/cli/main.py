"""The `otklik` command: one Typer app; each command group lives in its own module, imported only when run."""

from __future__ import annotations

from typing import ClassVar

import typer

from otklik.cli.lazy import LazyCommand, LazyGroup


class OtklikCommands(LazyGroup):
    # In the order `otklik --help` lists them. A module is imported only when its command runs (cli/lazy.py).
    lazy: ClassVar[dict[str, LazyCommand]] = {
        "serve": LazyCommand("otklik.cli.serve", "serve"),
        "worker": LazyCommand("otklik.cli.worker", "worker"),
        "analyze": LazyCommand("otklik.cli.analyze", "analyze"),
        "outbox": LazyCommand("otklik.cli.outbox", "app"),
        "db": LazyCommand("otklik.cli.db", "app"),
        "channels": LazyCommand("otklik.cli.channels", "app"),
        "import": LazyCommand("otklik.cli.imports", "app"),
        "model": LazyCommand("otklik.cli.model", "app"),
        "users": LazyCommand("otklik.cli.users", "app"),
        "tokens": LazyCommand("otklik.cli.tokens", "app"),
        "sla": LazyCommand("otklik.cli.sla", "app"),
        "report": LazyCommand("otklik.cli.report", "app"),
        "analytics": LazyCommand("otklik.cli.analytics", "app"),
    }


app = typer.Typer(
    name="otklik", help="Отклик: единая система обращений граждан.", no_args_is_help=True, cls=OtklikCommands
)


@app.callback()
def _root() -> None:
    # Typer builds a group only for an app with commands or a callback; the commands here are all lazy.
    pass


if __name__ == "__main__":
    app()
