"""Portal accounts: create once per e-mail/phone, sessions by token hash, submissions and photos of an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.accounts import (
    portal_accounts,
    portal_attachments,
    portal_sessions,
    portal_submissions,
)
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.messages import messages
from otklik.domain.appeal import Appeal


class DuplicateAccount(Exception):
    """An account with this e-mail or phone exists already."""


@dataclass(frozen=True)
class AccountRecord:
    id: int
    email: str | None
    phone: str | None
    password_hash: str
    name: str
    consent_at: datetime | None
    consent_version: str | None
    created_at: datetime


@dataclass(frozen=True)
class AttachmentRecord:
    storage_key: str
    filename: str
    content_type: str
    size: int
    sha256: str


def _account(row: RowMapping | None) -> AccountRecord | None:
    return AccountRecord(**dict(row)) if row else None


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, email: str | None, phone: str | None, password_hash: str, name: str, at: datetime) -> int:
        values: dict[str, Any] = {
            "email": email,
            "phone": phone,
            "password_hash": password_hash,
            "name": name,
            "created_at": at,
        }
        try:
            with self._session.begin_nested():
                result = self._session.execute(insert(portal_accounts).values(**values).returning(portal_accounts.c.id))
                return int(result.scalar_one())
        except IntegrityError as error:
            raise DuplicateAccount("e-mail or phone taken") from error

    def get(self, account_id: int) -> AccountRecord | None:
        query = select(portal_accounts).where(portal_accounts.c.id == account_id)
        return _account(self._session.execute(query).mappings().first())

    def by_login(self, *, email: str | None, phone: str | None) -> AccountRecord | None:
        conditions = []
        if email:
            conditions.append(portal_accounts.c.email == email)
        if phone:
            conditions.append(portal_accounts.c.phone == phone)
        if not conditions:
            return None
        query = select(portal_accounts).where(or_(*conditions)).limit(1)
        return _account(self._session.execute(query).mappings().first())

    def set_consent(self, account_id: int, *, at: datetime, version: str) -> None:
        self._session.execute(
            update(portal_accounts)
            .where(portal_accounts.c.id == account_id)
            .values(consent_at=at, consent_version=version)
        )

    def add_session(self, account_id: int, *, token_hash: str, at: datetime, expires_at: datetime) -> None:
        self._session.execute(
            insert(portal_sessions).values(
                account_id=account_id, token_hash=token_hash, created_at=at, expires_at=expires_at
            )
        )

    def account_of_session(self, token_hash: str, now: datetime) -> AccountRecord | None:
        query = (
            select(portal_accounts)
            .join(portal_sessions, portal_sessions.c.account_id == portal_accounts.c.id)
            .where(
                portal_sessions.c.token_hash == token_hash,
                portal_sessions.c.revoked_at.is_(None),
                portal_sessions.c.expires_at > now,
            )
        )
        return _account(self._session.execute(query).mappings().first())

    def revoke_session(self, token_hash: str, at: datetime) -> None:
        self._session.execute(
            update(portal_sessions)
            .where(portal_sessions.c.token_hash == token_hash, portal_sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def has_submission(self, external_id: str) -> bool:
        query = select(portal_submissions.c.id).where(portal_submissions.c.external_id == external_id)
        return self._session.execute(query).first() is not None

    def add_submission(self, account_id: int, external_id: str, *, at: datetime) -> None:
        """Once per external id: a retry of the same submission adds nothing."""
        if self.has_submission(external_id):
            return
        self._session.execute(
            insert(portal_submissions).values(account_id=account_id, external_id=external_id, created_at=at)
        )

    def add_attachment(self, account_id: int, external_id: str, attachment: AttachmentRecord, *, at: datetime) -> None:
        values = {"account_id": account_id, "external_id": external_id, "created_at": at, **attachment.__dict__}
        self._session.execute(insert(portal_attachments).values(**values))

    def _own(self, account_id: int) -> Any:
        return (
            select(Appeal)
            .join(messages, messages.c.id == appeals.c.message_id)
            .join(portal_submissions, portal_submissions.c.external_id == messages.c.external_id)
            .where(messages.c.channel == "portal", portal_submissions.c.account_id == account_id)
        )

    def appeals_of(self, account_id: int, *, limit: int, offset: int = 0) -> list[Appeal]:
        query = self._own(account_id).order_by(appeals.c.created_at.desc(), appeals.c.id.desc())
        return list(self._session.scalars(query.offset(offset).limit(limit)))

    def owns(self, account_id: int, appeal_id: int) -> bool:
        return self._session.scalars(self._own(account_id).where(appeals.c.id == appeal_id)).first() is not None
