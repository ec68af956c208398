"""Citizens' portal accounts: register, log in and out, consent to personal-data processing (152-ФЗ), and the
account's own submissions and appeals.

The account repository is not an attribute of the unit of work yet: it is built on the unit of work's session
(`services/repository_bridge.py`), so it shares the transaction and the commit.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
import structlog

from otklik.adapters.db.repositories.accounts import (
    AccountRecord,
    AttachmentRecord,
    DuplicateAccount,
)
from otklik.domain.appeal import Appeal
from otklik.domain.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from otklik.services.context import ServiceContext
from otklik.services.passwords import hash_password, verify_password

log = structlog.get_logger(__name__)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_WEAK = frozenset({"password", "12345678", "123456789", "qwerty123", "йцукенгш", "11111111", "password1"})


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    rounds: int = 12  # bcrypt cost; tests use 4


@dataclass(frozen=True)
class LoginSession:
    token: str  # shown once to the client; only its SHA-256 is stored
    account: AccountRecord
    expires_at: datetime


def normalize_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    email = value.strip().lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise InvalidInput("e-mail написан с ошибкой, пример: ivanova@mail.ru")
    return email


def normalize_phone(value: str | None) -> str | None:
    """Numbers of the +7 zone as E.164 (+7XXXXXXXXXX): «8 (910) 123-45-67», «+7 910 1234567» and a landline
    written with its area code, «(4942) 31-22-33» (Kostroma), are all understood. libphonenumber knows the real
    numbering plan (which codes exist, how long a number is), so a typo is refused instead of stored."""
    if value is None or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value, "RU")  # without +7 the number is read as written in Russia
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 7 or not phonenumbers.is_valid_number(number):
        raise InvalidInput("телефон нужен в формате +7 XXX XXX-XX-XX")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _check_password(password: str, logins: tuple[str | None, ...], policy: PasswordPolicy) -> None:
    if len(password) < policy.min_length:
        raise InvalidInput(f"пароль короче {policy.min_length} символов")
    if len(password) > 256:
        raise InvalidInput("пароль длиннее 256 символов")
    if password.isdigit() or password.lower() in _WEAK:
        raise InvalidInput("пароль слишком простой: добавьте буквы, не используйте 12345678 и подобные")
    lowered = password.lower()
    if any(login and (lowered in login.lower() or login.lower() in lowered) for login in logins):
        raise InvalidInput("пароль не должен совпадать с e-mail или телефоном")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register(
    ctx: ServiceContext,
    *,
    name: str,
    password: str,
    email: str | None = None,
    phone: str | None = None,
    consent_version: str | None = None,
    policy: PasswordPolicy = PasswordPolicy(),
) -> AccountRecord:
    """A new account; `consent_version` given = the citizen ticked the 152-ФЗ consent while registering."""
    email, phone = normalize_email(email), normalize_phone(phone)
    if not email and not phone:
        raise InvalidInput("нужен e-mail или телефон: по нему вы будете входить")
    if not name.strip():
        raise InvalidInput("укажите имя")
    _check_password(password, (email, phone), policy)
    password_hash = hash_password(password, rounds=policy.rounds)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        accounts = uow.accounts
        try:
            account_id = accounts.add(email=email, phone=phone, password_hash=password_hash, name=name.strip(), at=now)
        except DuplicateAccount:
            raise Conflict("аккаунт с таким e-mail или телефоном уже есть; войдите или восстановите пароль") from None
        if consent_version:
            accounts.set_consent(account_id, at=now, version=consent_version)
        account = accounts.get(account_id)
        uow.commit()
    assert account is not None
    log.info("portal.account_registered", account_id=account_id, consent=bool(consent_version))
    return account


def login(
    ctx: ServiceContext,
    login_name: str,
    password: str,
    *,
    lifetime: timedelta,
    policy: PasswordPolicy = PasswordPolicy(),
) -> LoginSession:
    """A bearer token for the account with this e-mail or phone; one vague reason for every failure."""
    email = login_name.strip().lower() if "@" in login_name else None
    try:
        phone = None if email else normalize_phone(login_name)
    except InvalidInput:
        phone = None
    now = ctx.clock.now()
    with ctx.uow() as uow:
        accounts = uow.accounts
        account = accounts.by_login(email=email, phone=phone)
        if not verify_password(password, account.password_hash if account else None, rounds=policy.rounds):
            log.info("portal.login_failed")
            raise Unauthorized("неверный логин или пароль")
        assert account is not None
        token = secrets.token_urlsafe(32)
        expires_at = now + lifetime
        accounts.add_session(account.id, token_hash=_token_hash(token), at=now, expires_at=expires_at)
        uow.commit()
    log.info("portal.login", account_id=account.id)
    return LoginSession(token, account, expires_at)


def logout(ctx: ServiceContext, token: str) -> None:
    with ctx.uow() as uow:
        uow.accounts.revoke_session(_token_hash(token), ctx.clock.now())
        uow.commit()


def current_account(ctx: ServiceContext, token: str | None) -> AccountRecord:
    """The account of a live session; 401 for a missing, unknown, expired or revoked token."""
    if not token:
        raise Unauthorized("нужно войти: передайте заголовок Authorization: Bearer <токен>")
    with ctx.uow(readonly=True) as uow:
        account = uow.accounts.account_of_session(_token_hash(token), ctx.clock.now())
    if account is None:
        raise Unauthorized("сеанс истёк или завершён: войдите снова")
    return account


def give_consent(ctx: ServiceContext, account_id: int, version: str) -> AccountRecord:
    with ctx.uow() as uow:
        accounts = uow.accounts
        accounts.set_consent(account_id, at=ctx.clock.now(), version=version)
        account = accounts.get(account_id)
        uow.commit()
    assert account is not None
    log.info("portal.consent_given", account_id=account_id, version=version)
    return account


def require_consent(account: AccountRecord, version: str) -> None:
    """152-ФЗ: no processing of the citizen's data in an appeal without consent to the current text."""
    if account.consent_at is None:
        raise Forbidden(
            "нужно согласие на обработку персональных данных (152-ФЗ): дайте его в POST /api/v1/portal/consent"
        )
    if account.consent_version != version:
        raise Forbidden(
            f"текст согласия на обработку персональных данных изменился (версия {version}): подтвердите согласие снова"
        )


def submission_known(ctx: ServiceContext, external_id: str) -> bool:
    with ctx.uow(readonly=True) as uow:
        return uow.accounts.has_submission(external_id)


def record_submission(
    ctx: ServiceContext, account_id: int, external_id: str, attachments: list[AttachmentRecord]
) -> None:
    """Written before the message is received: the appeal that follows is found as this account's own."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        accounts = uow.accounts
        if not accounts.has_submission(external_id):
            accounts.add_submission(account_id, external_id, at=now)
            for attachment in attachments:
                accounts.add_attachment(account_id, external_id, attachment, at=now)
        uow.commit()


def own_appeals(ctx: ServiceContext, account_id: int, *, limit: int = 50, offset: int = 0) -> list[Appeal]:
    with ctx.uow(readonly=True) as uow:
        return uow.accounts.appeals_of(account_id, limit=limit, offset=offset)


def owns_appeal(ctx: ServiceContext, account_id: int, appeal_id: int) -> bool:
    with ctx.uow(readonly=True) as uow:
        return uow.accounts.owns(account_id, appeal_id)
