"""Maps the pure domain classes onto the tables (imperative mapping keeps the domain free of SQLAlchemy)."""

from __future__ import annotations

from sqlalchemy.orm import registry

from otklik.adapters.db.repositories.analytics_rollup import install_rollup_maintenance
from otklik.adapters.db.tables.appeals import appeal_events, appeals, citizens, ratings, replies
from otklik.domain.appeal import Appeal
from otklik.domain.citizen import Citizen
from otklik.domain.events import AppealEvent
from otklik.domain.replies import Rating, Reply

mapper_registry = registry()
_started = False


def start_mappers() -> None:
    """Idempotent: bootstrap, tests and workers may all call it."""
    global _started
    if _started:
        return
    mapper_registry.map_imperatively(Appeal, appeals)
    mapper_registry.map_imperatively(AppealEvent, appeal_events)
    mapper_registry.map_imperatively(Reply, replies)
    mapper_registry.map_imperatively(Rating, ratings)
    mapper_registry.map_imperatively(Citizen, citizens)
    install_rollup_maintenance()  # the dashboard's rollup follows every flushed change of an appeal
    _started = True
