"""Reminders reach people: the body's executor and head at each threshold, the center's moderators (regional and
the appeal's district office, not another district's) on overdue — once per person, however often the scan runs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from otklik.clock import FrozenClock
from otklik.domain.access import SYSTEM, Role
from otklik.domain.access import staff as staff_principal
from otklik.domain.status import AppealStatus
from otklik.services import staff
from otklik.services.appeals import TransitionRequest, change_status, get_detail
from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import scan_deadlines
from otklik.services.staff_reminders import reminders_for
from staff_support import GALICH, GALICH_ADMIN, PASSWORD, SHARYA, SHARYA_ADMIN

pytestmark = pytest.mark.db

PEOPLE = (
    ("exec", Role.EXECUTOR, None, SHARYA_ADMIN),
    ("head", Role.AGENCY_HEAD, None, SHARYA_ADMIN),
    ("other.exec", Role.EXECUTOR, None, GALICH_ADMIN),
    ("center", Role.REGIONAL_MODERATOR, None, None),
    ("sharya.office", Role.DISTRICT_MODERATOR, SHARYA, None),
    ("galich.office", Role.DISTRICT_MODERATOR, GALICH, None),
)


def _people(ctx: ServiceContext) -> None:
    for login, role, municipality, agency in PEOPLE:
        staff.add_user(
            ctx, staff.NewUser(login, role, PASSWORD, login, municipality, agency, email=f"{login}@adm44.ru")
        )


def _letters(ctx: ServiceContext, appeal_id: int) -> list[str]:
    detail = get_detail(ctx, SYSTEM, appeal_id)
    return sorted(d.idempotency_key.rsplit(":", 1)[1] for d in detail.deliveries if d.kind == "staff_reminder")


def _recipient_logins(ctx: ServiceContext, appeal_id: int, kind_prefix: str) -> set[str]:
    with ctx.uow(readonly=True) as uow:
        users = {str(u.id): u.login for u in uow.staff.users()}
    detail = get_detail(ctx, SYSTEM, appeal_id)
    return {
        users[d.idempotency_key.rsplit(":", 1)[1]]
        for d in detail.deliveries
        if d.kind == "staff_reminder" and kind_prefix in d.text
    }


def test_thresholds_go_to_the_body_and_overdue_escalates_to_the_center(client: TestClient, ctx: ServiceContext) -> None:
    _people(ctx)
    body = client.post(
        "/api/v1/appeals",
        json={"text": "Огромная яма на дороге по улице Советской в Шарье", "citizen": {"name": "Иван"}},
    ).json()
    appeal_id = body["id"]
    if body["status"] == "needs_moderation" or (body["agency"] or {}).get("id") != SHARYA_ADMIN:
        move = AppealStatus.ASSIGNED if body["status"] == "needs_moderation" else AppealStatus.REDIRECTED
        change_status(ctx, SYSTEM, appeal_id, TransitionRequest(move, reason="проверка", agency_id=SHARYA_ADMIN))
    created = datetime.fromisoformat(body["created_at"])
    due = datetime.fromisoformat(body["due_at"])
    ctx.clock = FrozenClock(created + (due - created) * 0.55)
    assert scan_deadlines(ctx) == 1
    assert _recipient_logins(ctx, appeal_id, "половина") == {"exec", "head"}, "50 %: the body's people only"
    ctx.clock = FrozenClock(due + timedelta(minutes=5))
    assert scan_deadlines(ctx) == 1
    assert _recipient_logins(ctx, appeal_id, "просрочено") == {"exec", "head", "center", "sharya.office"}
    letters = _letters(ctx, appeal_id)
    assert scan_deadlines(ctx) == 0 and _letters(ctx, appeal_id) == letters, "a second scan sends nothing again"

    def seen_by(login: str, role: Role, municipality: str | None = None, agency: str | None = None) -> set[str]:
        person = staff_principal(login, role, municipality_id=municipality, agency_id=agency)
        return {item.kind for item in reminders_for(ctx, person, days=30)}

    assert seen_by("exec", Role.EXECUTOR, agency=SHARYA_ADMIN) == {"50%", "overdue"}
    assert seen_by("other.exec", Role.EXECUTOR, agency=GALICH_ADMIN) == set(), "another body sees none of it"
    assert seen_by("galich.office", Role.DISTRICT_MODERATOR, municipality=GALICH) == set()
