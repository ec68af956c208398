"""The one place that builds the engine, reference data, models and bus for web, CLI and workers."""

from __future__ import annotations

import structlog

from otklik.adapters.bus.broker import BrokerBus, build_broker
from otklik.adapters.bus.inprocess import InProcessBus
from otklik.adapters.db.engine import build_engine
from otklik.adapters.db.live_notify import PostgresLiveFanout
from otklik.adapters.db.mappers import start_mappers
from otklik.adapters.db.migrate import schema_lock, upgrade
from otklik.adapters.db.uow import UnitOfWorkFactory
from otklik.clock import Clock, SystemClock
from otklik.nlp.factory import build_understanding
from otklik.reference.files import load_deadline_policies, load_reference, load_working_hours
from otklik.reference.production_calendar import russian_calendar
from otklik.reference.region_area import RegionArea
from otklik.services import live_feed
from otklik.services.context import ServiceContext
from otklik.services.handlers import HANDLERS
from otklik.services.learning import load_correction_memory
from otklik.settings import Settings

log = structlog.get_logger(__name__)


def bootstrap(settings: Settings, *, clock: Clock | None = None, migrate: bool | None = None) -> ServiceContext:
    start_mappers()
    engine = build_engine(settings.database_url)
    if settings.auto_migrate if migrate is None else migrate:
        upgrade(engine)
    uow = UnitOfWorkFactory(engine)
    with schema_lock(engine), uow() as work:  # processes started together seed once
        if not work.reference.is_seeded():
            counts = work.reference.seed(load_reference())
            work.commit()
            log.info("reference.seeded", **counts)
        reference = work.reference.snapshot(settings.region_code)
    ctx = ServiceContext(
        settings=settings,
        uow=uow,
        clock=clock or SystemClock(),
        reference=reference,
        understanding=build_understanding(
            reference, auto_assign_threshold=settings.auto_assign_threshold, model_dir=settings.model_dir
        ),
        calendar=russian_calendar(hours=load_working_hours()),
        policies=load_deadline_policies(),
        region_area=RegionArea(reference),
    )
    # With a broker the relay and `otklik worker` carry the events (docs/processes.md); without, this process does.
    ctx.bus = BrokerBus(build_broker(settings.broker_url)) if settings.broker_url else InProcessBus(ctx, HANDLERS)
    if engine.dialect.name == "postgresql":  # live screens hear of what any process does (services/live_feed.py)
        ctx.live = PostgresLiveFanout(engine, live_feed.FEED.publish)
    load_correction_memory(ctx)  # people's corrections act at once, before the models are retrained
    return ctx
