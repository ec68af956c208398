"""What services need from storage, as protocols: the SQL adapter is one implementation."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from otklik.adapters.db.repositories.accounts import AccountRepository
from otklik.adapters.db.repositories.appeal_feed import AppealFeedRepository
from otklik.adapters.db.repositories.appeals import AppealRepository
from otklik.adapters.db.repositories.channel_state import ChannelStateRepository
from otklik.adapters.db.repositories.deliveries import DeliveryRepository
from otklik.adapters.db.repositories.messages import MessageRepository
from otklik.adapters.db.repositories.outbox import OutboxRepository
from otklik.adapters.db.repositories.reference import ReferenceRepository
from otklik.adapters.db.repositories.staff import StaffRepository


class UnitOfWork(Protocol):
    session: Session  # for repositories of features that bring their own tables
    appeals: AppealRepository
    messages: MessageRepository
    outbox: OutboxRepository
    deliveries: DeliveryRepository
    reference: ReferenceRepository
    channel_state: ChannelStateRepository
    accounts: AccountRepository
    appeal_feed: AppealFeedRepository
    staff: StaffRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    engine: Engine

    def __call__(self, *, readonly: bool = False) -> UnitOfWork: ...

    def ping(self) -> str: ...
