"""With `--demo`: one account per role, so a newcomer can try every seat; fresh passwords at every start.

The passwords are random and printed once at start (they are reset on each demo start, so an old printout
stops working): a demo database copied somewhere else does not come with known passwords."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from otklik.domain.access import ROLE_RU, Role
from otklik.services import staff
from otklik.services.context import ServiceContext


@dataclass(frozen=True)
class DemoSeat:
    login: str
    role: Role
    name: str
    municipality: str | None = None
    agency: str | None = None


# A regional body and a real municipality, so the scopes show: the Шарья office sees Шарья's appeals, the housing
# inspection's people (the regional body the demo stream assigns most to) its complaints, the Шарья
# administration's people the town's.
DEMO_SEATS = (
    DemoSeat("demo.admin", Role.ADMIN, "Админов Антон Сергеевич"),
    DemoSeat("demo.moderator", Role.REGIONAL_MODERATOR, "Смирнова Ольга Викторовна"),
    DemoSeat("demo.sharya", Role.DISTRICT_MODERATOR, "Кузнецова Дарья Игоревна", municipality="34730000"),
    DemoSeat("demo.executor", Role.EXECUTOR, "Волков Игорь Петрович", agency="housing-inspection"),
    DemoSeat("demo.head", Role.AGENCY_HEAD, "Соколов Павел Андреевич", agency="housing-inspection"),
    DemoSeat("demo.sharya.executor", Role.EXECUTOR, "Морозова Анна Олеговна", agency="adm-34730000"),
    DemoSeat("demo.analyst", Role.ANALYST, "Новикова Елена Дмитриевна"),
)


def demo_password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


def ensure_demo_accounts(ctx: ServiceContext) -> list[tuple[DemoSeat, str]]:
    """Create the demo seats that are missing and give every one a new password; returns (seat, password)."""
    existing = {user.login for user in staff.list_users(ctx)}
    issued = []
    for seat in DEMO_SEATS:
        password = demo_password()
        if seat.login in existing:
            staff.reset_password(ctx, seat.login, password)
            staff.set_active(ctx, seat.login, True)
        else:
            new = staff.NewUser(seat.login, seat.role, password, seat.name, seat.municipality, seat.agency)
            staff.add_user(ctx, new)
        issued.append((seat, password))
    return issued


def describe(seat: DemoSeat, ctx: ServiceContext) -> str:
    scope = "весь регион"
    if seat.municipality:
        found = ctx.reference.municipality(seat.municipality)
        scope = found.name if found else seat.municipality
    elif seat.agency:
        agency = ctx.reference.agency(seat.agency)
        scope = agency.name if agency else seat.agency
    return f"{ROLE_RU[seat.role]} · {scope}"
