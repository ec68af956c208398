"""Staff identities: accounts with roles, sign-in with throttling, sessions (UI cookie, API bearer), password
change, and integration tokens. Every request's principal is resolved here."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from otklik.adapters.db.repositories.staff import DuplicateName, SessionRecord, StaffRecord, TokenRecord
from otklik.domain import access
from otklik.domain.access import Principal, PrincipalKind, Role
from otklik.domain.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthorized
from otklik.services.context import ServiceContext
from otklik.services.passwords import hash_password, verify_password

log = structlog.get_logger(__name__)

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_WEAK = frozenset({"password", "12345678", "123456789", "qwerty123", "йцукенгш", "11111111", "password1"})
_TOKEN_SCOPE = re.compile(r"^(messages:(\*|[a-z0-9_]+)|open311|hotline)$")
MIN_PASSWORD = 10  # staff see every citizen's data: longer than the portal's 8


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewUser:
    login: str
    role: Role
    password: str
    name: str | None = None
    municipality: str | None = None  # id (OKTMO) or name
    agency_id: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class StaffSession:
    token: str  # shown once; only its hash is stored
    csrf_token: str | None
    principal: Principal
    expires_at: datetime


def principal_of(user: StaffRecord) -> Principal:
    return access.staff(
        user.login,
        Role(user.role),
        name=user.name,
        user_id=user.id,
        municipality_id=user.municipality_id,
        agency_id=user.agency_id,
    )


def check_password_strength(password: str, login: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"пароль короче {MIN_PASSWORD} символов")
    if len(password) > 256:
        raise InvalidInput("пароль длиннее 256 символов")
    if password.isdigit() or password.lower() in _WEAK or len(set(password)) < 4:
        raise InvalidInput("пароль слишком простой: добавьте буквы и цифры, не используйте 12345678 и подобные")
    if login.lower() in password.lower():
        raise InvalidInput("пароль не должен содержать логин")


def _resolve_scope(ctx: ServiceContext, new: NewUser) -> tuple[str | None, str | None]:
    """The municipality and the body a role needs: a district moderator one municipality, an executor one body."""
    municipality_id = None
    if new.municipality:
        found = ctx.reference.municipality(new.municipality) or ctx.reference.municipality_by_name(new.municipality)
        if found is None:
            raise InvalidInput(f"неизвестный муниципалитет {new.municipality!r}; см. /api/v1/reference/municipalities")
        municipality_id = found.id
    if new.agency_id and ctx.reference.agency(new.agency_id) is None:
        raise InvalidInput(f"неизвестный орган {new.agency_id!r}; см. /api/v1/reference/agencies")
    if new.role is Role.DISTRICT_MODERATOR and municipality_id is None:
        raise InvalidInput("модератору района нужен муниципалитет: --municipality")
    if new.role in (Role.EXECUTOR, Role.AGENCY_HEAD) and not new.agency_id:
        raise InvalidInput(f"роли {new.role.value} нужен орган: --agency")
    if new.role not in (Role.DISTRICT_MODERATOR,) and municipality_id is not None:
        raise InvalidInput(f"роль {new.role.value} не привязывается к муниципалитету")
    if new.role not in (Role.EXECUTOR, Role.AGENCY_HEAD) and new.agency_id:
        raise InvalidInput(f"роль {new.role.value} не привязывается к органу")
    return municipality_id, new.agency_id


def add_user(ctx: ServiceContext, new: NewUser) -> StaffRecord:
    login = new.login.strip().lower()
    if not _LOGIN.match(login):
        raise InvalidInput("логин: 2–63 символа, латинские буквы, цифры, точка, дефис, подчёркивание")
    check_password_strength(new.password, login)
    municipality_id, agency_id = _resolve_scope(ctx, new)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        try:
            user_id = uow.staff.add_user(
                login=login,
                name=(new.name or login).strip(),
                role=new.role.value,
                municipality_id=municipality_id,
                agency_id=agency_id,
                email=new.email,
                password_hash=hash_password(new.password, rounds=ctx.settings.password_rounds),
                active=True,
                created_at=now,
                password_changed_at=now,
            )
        except DuplicateName:
            raise Conflict(f"пользователь {login!r} уже есть") from None
        user = uow.staff.user(user_id)
        uow.commit()
    assert user is not None
    log.info("staff.user_added", login=login, role=new.role.value)
    return user


def list_users(ctx: ServiceContext) -> list[StaffRecord]:
    with ctx.uow(readonly=True) as uow:
        return uow.staff.users()


def set_active(ctx: ServiceContext, login: str, active: bool) -> None:
    with ctx.uow() as uow:
        user = uow.staff.user_by_login(login.strip().lower())
        if user is None:
            raise NotFound(f"пользователь {login!r} не найден")
        uow.staff.update_user(user.id, active=active)
        if not active:
            uow.staff.revoke_sessions_of(user.id, ctx.clock.now())
        uow.commit()
    ctx.bearer_cache.clear()  # the change acts in this process at once


def reset_password(ctx: ServiceContext, login: str, password: str) -> None:
    """An administrator sets a new password: every session of the person ends."""
    with ctx.uow() as uow:
        user = uow.staff.user_by_login(login.strip().lower())
        if user is None:
            raise NotFound(f"пользователь {login!r} не найден")
        check_password_strength(password, user.login)
        now = ctx.clock.now()
        hashed = hash_password(password, rounds=ctx.settings.password_rounds)
        uow.staff.update_user(user.id, password_hash=hashed, password_changed_at=now)
        uow.staff.revoke_sessions_of(user.id, now)
        uow.commit()
    ctx.bearer_cache.clear()  # the change acts in this process at once


# --- sign-in -----------------------------------------------------------------------------------------------
def _throttle(ctx: ServiceContext, login: str, client: str) -> None:
    settings = ctx.settings
    since = ctx.clock.now() - timedelta(minutes=settings.login_window_minutes)
    with ctx.uow(readonly=True) as uow:
        by_login = uow.staff.failures_since(login=login, since=since)
        by_client = uow.staff.failures_since(client=client, since=since)
    if by_login >= settings.login_max_failures or by_client >= settings.login_max_failures_per_client:
        log.warning("staff.login_throttled", login=login, client=client)
        raise TooManyAttempts(
            f"слишком много неудачных попыток входа; попробуйте через {settings.login_window_minutes} минут",
            retry_after=settings.login_window_minutes * 60,
        )


def sign_in(ctx: ServiceContext, login: str, password: str, *, client: str, kind: str) -> StaffSession:
    """A session for the person: kind "cookie" (the UI, with a CSRF token) or "bearer" (the API).

    One vague reason for every failure; each failure counts towards the throttle of the login and the address."""
    login = login.strip().lower()[:100]
    _throttle(ctx, login, client)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        user = uow.staff.user_by_login(login)
        stored = user.password_hash if user is not None and user.active else None
        if not verify_password(password, stored, rounds=ctx.settings.password_rounds):
            uow.staff.add_failure(login, client, now)
            uow.commit()
            log.info("staff.login_failed", login=login, client=client)
            raise Unauthorized("неверный логин или пароль")
        assert user is not None
        uow.staff.clear_failures(login)
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24) if kind == "cookie" else None
        lifetime = (
            timedelta(hours=ctx.settings.session_hours)
            if kind == "cookie"
            else timedelta(minutes=ctx.settings.access_token_minutes)
        )
        uow.staff.add_session(
            user.id, token_hash=token_hash(token), kind=kind, csrf_token=csrf, at=now, expires_at=now + lifetime
        )
        uow.commit()
    log.info("staff.login", login=login, kind=kind)
    return StaffSession(token, csrf, principal_of(user), now + lifetime)


def session_of(ctx: ServiceContext, token: str, *, kind: str) -> SessionRecord | None:
    with ctx.uow(readonly=True) as uow:
        found = uow.staff.live_session(token_hash(token), ctx.clock.now())
    return found if found is not None and found.kind == kind else None


def sign_out(ctx: ServiceContext, token: str) -> None:
    with ctx.uow() as uow:
        uow.staff.revoke_session(token_hash(token), ctx.clock.now())
        uow.commit()
    ctx.bearer_cache.clear()  # the change acts in this process at once


def change_password(ctx: ServiceContext, principal: Principal, current: str, new: str, *, keep_token: str) -> None:
    """The person's own change: the current password is checked; every other session of theirs ends."""
    if principal.user_id is None:
        raise InvalidInput("пароль меняют только сотрудники")
    with ctx.uow() as uow:
        user = uow.staff.user(principal.user_id)
        if user is None or not verify_password(current, user.password_hash, rounds=ctx.settings.password_rounds):
            raise InvalidInput("текущий пароль неверен")
        check_password_strength(new, user.login)
        if new == current:
            raise InvalidInput("новый пароль совпадает с текущим")
        now = ctx.clock.now()
        hashed = hash_password(new, rounds=ctx.settings.password_rounds)
        uow.staff.update_user(user.id, password_hash=hashed, password_changed_at=now)
        uow.staff.revoke_sessions_of(user.id, now, except_hash=token_hash(keep_token))
        uow.commit()
    ctx.bearer_cache.clear()  # the change acts in this process at once
    log.info("staff.password_changed", login=principal.login)


# --- integration tokens ------------------------------------------------------------------------------------
def check_scopes(scopes: list[str]) -> list[str]:
    cleaned = [s.strip() for s in scopes if s.strip()]
    if not cleaned:
        raise InvalidInput("токену нужна хотя бы одна область: " + ", ".join(access.TOKEN_SCOPES))
    for scope in cleaned:
        if not _TOKEN_SCOPE.match(scope):
            raise InvalidInput(f"неизвестная область {scope!r}; возможны: " + ", ".join(access.TOKEN_SCOPES))
    return sorted(set(cleaned))


def create_token(ctx: ServiceContext, name: str, scopes: list[str]) -> tuple[str, TokenRecord]:
    """A new integration token, shown once: the caller prints it, the database keeps only its hash."""
    name = name.strip()
    if not re.match(r"^[\w.-]{2,100}$", name):
        raise InvalidInput("имя токена: 2–100 символов, буквы, цифры, точка, дефис, подчёркивание")
    cleaned = check_scopes(scopes)
    token = "otk_" + secrets.token_urlsafe(32)
    with ctx.uow() as uow:
        try:
            uow.staff.add_token(name=name, token_hash=token_hash(token), scopes=cleaned, at=ctx.clock.now())
        except DuplicateName:
            raise Conflict(f"токен {name!r} уже есть; отзовите его или выберите другое имя") from None
        record = uow.staff.live_token(token_hash(token))
        uow.commit()
    assert record is not None
    log.info("staff.token_created", name=name, scopes=cleaned)
    return token, record


def revoke_token(ctx: ServiceContext, name: str) -> None:
    with ctx.uow() as uow:
        if not uow.staff.revoke_token(name, ctx.clock.now()):
            raise NotFound(f"действующий токен {name!r} не найден")
        uow.commit()
    ctx.bearer_cache.clear()  # the change acts in this process at once
    log.info("staff.token_revoked", name=name)


def list_tokens(ctx: ServiceContext) -> list[TokenRecord]:
    with ctx.uow(readonly=True) as uow:
        return uow.staff.tokens()


def remembered_principal(ctx: ServiceContext, token: str) -> Principal | None:
    """The principal of a token resolved in the last few seconds (no I/O); None when it must be looked up."""
    return ctx.bearer_cache.get(token_hash(token), ctx.clock.now())


def principal_of_bearer(ctx: ServiceContext, token: str, *, fresh: bool = False) -> Principal | None:
    """A staff access token (`POST /api/v1/auth/token`) or an integration token; None for anything else.
    Remembered for a few seconds (services/bearer_cache.py has the bound a revocation elsewhere waits); `fresh`
    reads the database even when it is remembered (the refresh ahead of the bound)."""
    hashed = token_hash(token)
    now = ctx.clock.now()
    if not fresh:
        cached = ctx.bearer_cache.get(hashed, now)
        if cached is not None:
            return cached
    generation = ctx.bearer_cache.generation  # before the read: a revocation committed after it wins
    with ctx.uow(readonly=True) as uow:
        found = uow.staff.live_session(hashed, now)
        record = None if found is not None and found.kind == "bearer" else uow.staff.live_token(hashed)
    if found is not None and found.kind == "bearer":
        principal = principal_of(found.user)
        ctx.bearer_cache.put(hashed, principal, expires_at=found.expires_at, generation=generation)
        return principal
    if record is None:
        ctx.bearer_cache.forget(hashed)
        return None
    principal = Principal(PrincipalKind.TOKEN, record.name, scopes=frozenset(record.scopes))
    ctx.bearer_cache.put(hashed, principal, generation=generation)
    return principal


def bearer_refresh_due(ctx: ServiceContext, token: str) -> bool:
    """A remembered token near the end of its bound: look it up again, in the background."""
    return ctx.bearer_cache.refresh_due(token_hash(token))


def routable_agencies(ctx: ServiceContext, principal: Principal) -> list[str]:
    """The bodies a principal may assign to: a district moderator the bodies of the district and the region-wide
    ones (regional executive bodies, Роспотребнадзор, the center); the other moderators every body."""
    agencies = [a for a in ctx.reference.agencies if a.active]
    if principal.role is Role.DISTRICT_MODERATOR:
        agencies = [a for a in agencies if a.municipality_id is None or a.municipality_id == principal.municipality_id]
    return [a.id for a in agencies]


def key_client(ctx: ServiceContext, key: str | None, scope: str) -> str | None:
    """The client a write-API key belongs to: the configured OTKLIK_API_KEY ("default") or an integration token
    with this scope (its name); None for a missing or wrong key. Closed by default: with neither configured,
    nothing matches."""
    if not key:
        return None
    configured = ctx.settings.api_key
    if configured is not None and secrets.compare_digest(key.encode(), configured.get_secret_value().encode()):
        return "default"
    with ctx.uow(readonly=True) as uow:
        record = uow.staff.live_token(token_hash(key))
    return record.name if record is not None and scope in record.scopes else None
