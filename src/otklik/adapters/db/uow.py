"""The unit of work: one transaction, its repositories, and commit/rollback in one place."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from otklik.adapters.db.repositories.accounts import AccountRepository
from otklik.adapters.db.repositories.appeal_feed import AppealFeedRepository
from otklik.adapters.db.repositories.appeals import AppealRepository
from otklik.adapters.db.repositories.channel_state import ChannelStateRepository
from otklik.adapters.db.repositories.deliveries import DeliveryRepository
from otklik.adapters.db.repositories.messages import MessageRepository
from otklik.adapters.db.repositories.outbox import OutboxRepository
from otklik.adapters.db.repositories.reference import ReferenceRepository
from otklik.adapters.db.repositories.staff import StaffRepository


class SqlUnitOfWork:
    def __init__(self, factory: sessionmaker[Session], *, readonly: bool = False) -> None:
        self._factory = factory
        self._readonly = readonly

    def __enter__(self) -> Self:
        self.session = self._factory()
        if self._readonly:
            self.session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        self.appeals = AppealRepository(self.session)
        self.messages = MessageRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        self.reference = ReferenceRepository(self.session)
        self.channel_state = ChannelStateRepository(self.session)
        self.accounts = AccountRepository(self.session)
        self.appeal_feed = AppealFeedRepository(self.session)
        self.staff = StaffRepository(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Closing rolls back whatever was not committed, and unlike rollback() it leaves loaded objects
        # readable after the block (detached, not expired).
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class UnitOfWorkFactory:
    """Hands out units of work bound to one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def __call__(self, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, readonly=readonly)

    def ping(self) -> str:
        """Round-trip to the database; returns its dialect name (sqlite, postgresql)."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return self.engine.dialect.name
