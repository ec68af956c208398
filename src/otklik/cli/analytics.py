"""`otklik analytics rebuild-rollups`: refill the dashboard's rollup from the appeals (docs/analytics.md)."""

from __future__ import annotations

import time

import typer
from rich.console import Console

from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.migrate import upgrade as run_upgrade
from otklik.adapters.db.repositories.analytics_rollup import rebuild
from otklik.settings import load_settings

app = typer.Typer(help="Сводные показатели панели мониторинга.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("rebuild-rollups")
def rebuild_rollups() -> None:
    """Recount the dashboard's rollup from every appeal, in one transaction (after a bulk load or a raw UPDATE
    that bypassed the application; the migration that adds the rollup runs it once itself)."""
    settings = load_settings()
    engine = build_engine(settings.database_url)
    run_upgrade(engine)
    started = time.monotonic()
    with console.status("пересчёт сводных показателей…"), engine.begin() as connection:
        read = rebuild(connection)
    console.print(f"rollup rebuilt from {read} appeals in {time.monotonic() - started:.1f} s")
