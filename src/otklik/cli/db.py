"""`otklik db upgrade|seed`: schema migrations and reference data."""

from __future__ import annotations

import typer
from rich.console import Console

from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.mappers import start_mappers
from otklik.adapters.db.migrate import schema_lock
from otklik.adapters.db.migrate import upgrade as run_upgrade
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.reference.files import load_reference
from otklik.settings import load_settings

app = typer.Typer(help="Схема базы данных и справочники.", no_args_is_help=True)
console = Console(stderr=True)


@app.command()
def upgrade() -> None:
    """Apply all migrations to the database in OTKLIK_DATABASE_URL."""
    settings = load_settings()
    run_upgrade(build_engine(settings.database_url))
    console.print(f"schema is up to date: {build_engine(settings.database_url).url.render_as_string()}")


@app.command()
def seed() -> None:
    """Load the Kostroma reference data; safe to repeat, and never overwrites what users edited."""
    settings = load_settings()
    start_mappers()
    engine = build_engine(settings.database_url)
    run_upgrade(engine)
    with console.status("loading reference data…"), schema_lock(engine), UnitOfWorkFactory(engine)() as uow:
        counts = uow.reference.seed(load_reference())
        uow.commit()
    for table, added in counts.items():
        console.print(f"{table}: {added} added")
