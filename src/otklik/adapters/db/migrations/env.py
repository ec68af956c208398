"""Alembic environment: runs migrations on the engine the application built."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

import otklik.adapters.db.tables  # noqa: F401  (registers every table on the metadata)
from otklik.adapters.db.metadata import metadata

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    return create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///var/otklik.db")


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
