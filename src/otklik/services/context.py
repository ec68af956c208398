"""Everything a use case depends on, built once by bootstrap and passed explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from otklik.clock import Clock
from otklik.domain.appeal_kind import AppealKind
from otklik.domain.calendar import WorkCalendar
from otklik.domain.deadlines import DeadlinePolicy
from otklik.domain.reference import ReferenceData
from otklik.pipeline.components import Understanding
from otklik.reference.region_area import RegionArea
from otklik.services.bearer_cache import BearerCache
from otklik.services.live_feed import Fanout, LocalFanout
from otklik.services.unit_of_work import UnitOfWorkFactory
from otklik.settings import Settings


class Bus(Protocol):
    """Moves outbox events to their handlers: right away in-process, or through a broker to workers."""

    def after_commit(self) -> None: ...

    @property
    def synchronous(self) -> bool: ...


@dataclass
class ServiceContext:
    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    reference: ReferenceData
    understanding: Understanding
    calendar: WorkCalendar
    policies: Mapping[AppealKind, DeadlinePolicy]
    region_area: RegionArea
    bus: Bus = field(init=False)
    bearer_cache: BearerCache = field(default_factory=BearerCache)  # resolved API tokens, for a few seconds
    # Live screens across processes (services/live_feed.py); bootstrap puts NOTIFY/LISTEN here on PostgreSQL.
    live: Fanout = field(default_factory=LocalFanout)
