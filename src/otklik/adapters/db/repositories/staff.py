"""Staff accounts, their sessions, failed sign-ins and integration tokens (SQLAlchemy Core, plain records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from otklik.adapters.db.tables.staff import api_tokens, login_failures, staff_sessions, staff_users


class DuplicateName(Exception):
    """A login or token name that exists already."""


@dataclass(frozen=True)
class StaffRecord:
    id: int
    login: str
    name: str
    role: str
    municipality_id: str | None
    agency_id: str | None
    email: str | None
    password_hash: str
    active: bool
    created_at: datetime
    password_changed_at: datetime


@dataclass(frozen=True)
class SessionRecord:
    user: StaffRecord
    kind: str
    csrf_token: str | None
    expires_at: datetime


@dataclass(frozen=True)
class TokenRecord:
    id: int
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


def _user(row: RowMapping | None) -> StaffRecord | None:
    return StaffRecord(**dict(row)) if row else None


def _token(row: RowMapping) -> TokenRecord:
    return TokenRecord(row["id"], row["name"], tuple(row["scopes"]), row["created_at"], row["revoked_at"])


class StaffRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # --- accounts ------------------------------------------------------------------------------------------
    def add_user(self, **values: Any) -> int:
        try:
            with self._session.begin_nested():
                result = self._session.execute(insert(staff_users).values(**values).returning(staff_users.c.id))
                return int(result.scalar_one())
        except IntegrityError as error:
            raise DuplicateName(values.get("login", "")) from error

    def user(self, user_id: int) -> StaffRecord | None:
        return _user(self._session.execute(select(staff_users).where(staff_users.c.id == user_id)).mappings().first())

    def user_by_login(self, login: str) -> StaffRecord | None:
        query = select(staff_users).where(staff_users.c.login == login)
        return _user(self._session.execute(query).mappings().first())

    def users(self) -> list[StaffRecord]:
        rows = self._session.execute(select(staff_users).order_by(staff_users.c.login)).mappings()
        return [StaffRecord(**dict(row)) for row in rows]

    def users_with_role(self, roles: list[str], *, agency_id: str | None = None) -> list[StaffRecord]:
        query = select(staff_users).where(staff_users.c.role.in_(roles), staff_users.c.active.is_(True))
        if agency_id is not None:
            query = query.where(staff_users.c.agency_id == agency_id)
        return [StaffRecord(**dict(row)) for row in self._session.execute(query.order_by(staff_users.c.id)).mappings()]

    def update_user(self, user_id: int, **values: Any) -> None:
        self._session.execute(update(staff_users).where(staff_users.c.id == user_id).values(**values))

    # --- sessions ------------------------------------------------------------------------------------------
    def add_session(
        self, user_id: int, *, token_hash: str, kind: str, csrf_token: str | None, at: datetime, expires_at: datetime
    ) -> None:
        self._session.execute(
            insert(staff_sessions).values(
                user_id=user_id,
                token_hash=token_hash,
                kind=kind,
                csrf_token=csrf_token,
                created_at=at,
                expires_at=expires_at,
            )
        )

    def live_session(self, token_hash: str, now: datetime) -> SessionRecord | None:
        query = (
            select(staff_users, staff_sessions.c.kind, staff_sessions.c.csrf_token, staff_sessions.c.expires_at)
            .join(staff_sessions, staff_sessions.c.user_id == staff_users.c.id)
            .where(
                staff_sessions.c.token_hash == token_hash,
                staff_sessions.c.revoked_at.is_(None),
                staff_sessions.c.expires_at > now,
                staff_users.c.active.is_(True),
            )
        )
        row = self._session.execute(query).mappings().first()
        if row is None:
            return None
        values = dict(row)
        kind, csrf, expires_at = values.pop("kind"), values.pop("csrf_token"), values.pop("expires_at")
        return SessionRecord(StaffRecord(**values), kind, csrf, expires_at)

    def revoke_session(self, token_hash: str, at: datetime) -> None:
        self._session.execute(
            update(staff_sessions)
            .where(staff_sessions.c.token_hash == token_hash, staff_sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_sessions_of(self, user_id: int, at: datetime, *, except_hash: str | None = None) -> None:
        query = update(staff_sessions).where(staff_sessions.c.user_id == user_id, staff_sessions.c.revoked_at.is_(None))
        if except_hash is not None:
            query = query.where(staff_sessions.c.token_hash != except_hash)
        self._session.execute(query.values(revoked_at=at))

    # --- throttling ----------------------------------------------------------------------------------------
    def add_failure(self, login: str, client: str, at: datetime) -> None:
        self._session.execute(insert(login_failures).values(login=login, client=client, at=at))

    def failures_since(self, *, login: str | None = None, client: str | None = None, since: datetime) -> int:
        query = select(func.count()).select_from(login_failures).where(login_failures.c.at >= since)
        if login is not None:
            query = query.where(login_failures.c.login == login)
        if client is not None:
            query = query.where(login_failures.c.client == client)
        return int(self._session.scalar(query) or 0)

    def clear_failures(self, login: str) -> None:
        self._session.execute(delete(login_failures).where(login_failures.c.login == login))

    # --- integration tokens --------------------------------------------------------------------------------
    def add_token(self, *, name: str, token_hash: str, scopes: list[str], at: datetime) -> int:
        try:
            with self._session.begin_nested():
                result = self._session.execute(
                    insert(api_tokens)
                    .values(name=name, token_hash=token_hash, scopes=scopes, created_at=at)
                    .returning(api_tokens.c.id)
                )
                return int(result.scalar_one())
        except IntegrityError as error:
            raise DuplicateName(name) from error

    def live_token(self, token_hash: str) -> TokenRecord | None:
        query = select(api_tokens).where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None))
        row = self._session.execute(query).mappings().first()
        return _token(row) if row else None

    def tokens(self) -> list[TokenRecord]:
        return [_token(row) for row in self._session.execute(select(api_tokens).order_by(api_tokens.c.id)).mappings()]

    def revoke_token(self, name: str, at: datetime) -> bool:
        result = self._session.execute(
            update(api_tokens).where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None)).values(revoked_at=at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
