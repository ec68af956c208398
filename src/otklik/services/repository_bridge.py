"""A bridge for repositories the unit of work does not expose yet: built on the unit of work's own session.

The portal accounts and the appeal feeds live in repositories of their own; until `UnitOfWork` has attributes
for them (`accounts`, `appeal_feed`), services build them from the SQL unit of work's session, so they share
its transaction and its commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from otklik.services.unit_of_work import UnitOfWork


def sql_session(uow: UnitOfWork) -> Session:
    """The SQLAlchemy session of an entered SQL unit of work; anything else is a wiring error."""
    session = getattr(uow, "session", None)
    if not isinstance(session, Session):
        raise TypeError("this service needs the SQL unit of work (adapters/db/uow.py), entered with `with`")
    return session
