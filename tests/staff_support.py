"""Staff people for tests: one account per role, signed in through the real services, with bearer headers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from otklik.domain.access import Role
from otklik.services import staff
from otklik.services.context import ServiceContext

PASSWORD = "Проверка-2026-пароль"

# Real Kostroma places and bodies: Шарья (OKTMO 34730000) is "our" district, Галич (34708000) a foreign one;
# the Шарья administration is "our" body, the regional road body a foreign one.
SHARYA, GALICH = "34730000", "34708000"
SHARYA_ADMIN, GALICH_ADMIN = "adm-34730000", "adm-34708000"


@dataclass(frozen=True)
class Seat:
    login: str
    role: Role
    municipality: str | None = None
    agency: str | None = None
    name: str | None = None


SEATS = (
    Seat("admin", Role.ADMIN, name="Админов Антон"),
    Seat("regmod", Role.REGIONAL_MODERATOR, name="Регионова Мария"),
    Seat("sharya.mod", Role.DISTRICT_MODERATOR, municipality=SHARYA, name="Шарьина Дарья"),
    Seat("galich.mod", Role.DISTRICT_MODERATOR, municipality=GALICH, name="Галичев Глеб"),
    Seat("sharya.exec", Role.EXECUTOR, agency=SHARYA_ADMIN, name="Исполнитель Шарья"),
    Seat("galich.exec", Role.EXECUTOR, agency=GALICH_ADMIN, name="Исполнитель Галич"),
    Seat("sharya.head", Role.AGENCY_HEAD, agency=SHARYA_ADMIN, name="Глава Шарья"),
    Seat("galich.head", Role.AGENCY_HEAD, agency=GALICH_ADMIN, name="Глава Галич"),
    Seat("analyst", Role.ANALYST, name="Аналитикова Алла"),
)


class StaffTeam:
    """Accounts are created on first use, so tests that never sign in pay nothing."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._tokens: dict[str, str] = {}

    @cached_property
    def _created(self) -> bool:
        for seat in SEATS:
            new = staff.NewUser(seat.login, seat.role, PASSWORD, seat.name, seat.municipality, seat.agency)
            staff.add_user(self._ctx, new)
        return True

    def token(self, login: str) -> str:
        assert self._created
        if login not in self._tokens:
            self._tokens[login] = staff.sign_in(self._ctx, login, PASSWORD, client="test", kind="bearer").token
        return self._tokens[login]

    def headers(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(login)}"}

    def sign_in_again(self, login: str) -> dict[str, str]:
        """A new token at the context's current time (after a test moved the clock past the old one's expiry)."""
        self._tokens.pop(login, None)
        return self.headers(login)

    @cached_property
    def gateway(self) -> dict[str, str]:
        """An integration token that may post messages of every channel."""
        token, _ = staff.create_token(self._ctx, "test-gateway", ["messages:*"])
        return {"Authorization": f"Bearer {token}"}
