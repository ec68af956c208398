"""The deadline scanner: 50 %, 80 % and overdue reminders fire once each — also with two scanners at once,
after a restart, and again only for a moved deadline."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from otklik.adapters.db.repositories.reminders import ReminderRepository
from otklik.adapters.db.tables.outbox import outbox
from otklik.bootstrap import bootstrap
from otklik.clock import FrozenClock
from otklik.domain.appeal import Appeal
from otklik.domain.calendar import MOSCOW
from otklik.domain.channels import Channel
from otklik.domain.events import EventType
from otklik.domain.message import Author, InboundMessage
from otklik.services.context import ServiceContext
from otklik.services.deadline_scan import DEADLINE_REMINDER, scan_deadlines
from otklik.services.messages import receive_message

pytestmark = pytest.mark.db

# Registered Fri 27 Nov 2026 12:00 MSK (09:00 UTC). A VK comment is an incident: 7 working days → 30 Nov,
# 1, 2, 3, 4, 7, 8 Dec → due Tue 8 Dec 2026 18:00 MSK = 15:00 UTC. The span is 11 days 6 hours = 270 h:
REGISTERED = datetime(2026, 11, 27, 9, tzinfo=UTC)
DUE = datetime(2026, 12, 8, 15, tzinfo=UTC)
HALF = REGISTERED + timedelta(hours=135)  # 50 % of 270 h → Wed 2 Dec 00:00 UTC
LATE = REGISTERED + timedelta(hours=216)  # 80 % of 270 h → Sun 6 Dec 09:00 UTC


def _register(ctx: ServiceContext, clock: FrozenClock, n: int = 1) -> int:
    message = InboundMessage(
        Channel.VK,
        f"scan-{n}",
        "Прорыв трубы на улице Ленина в Буе, вода заливает двор",
        REGISTERED,
        Author(name="Анна", external_id=f"7{n}"),
        context={"owner_id": -1, "post_id": 5, "comment_id": n},
    )
    decision = receive_message(ctx, message)
    assert decision.appeal_id is not None
    return decision.appeal_id


def _appeal(ctx: ServiceContext, appeal_id: int) -> Appeal:
    with ctx.uow(readonly=True) as uow:
        appeal = uow.appeals.get(appeal_id)
        assert appeal is not None
        return appeal


def _fired(ctx: ServiceContext, appeal_id: int) -> list[tuple[str, datetime, str]]:
    with ctx.uow(readonly=True) as uow:
        return ReminderRepository(uow.session).of_appeal(appeal_id)


def _events(ctx: ServiceContext, appeal_id: int) -> list[dict[str, object]]:
    with ctx.uow(readonly=True) as uow:
        return [e.data for e in uow.appeals.history(appeal_id) if e.type == EventType.DEADLINE_REMINDER]


def _outbox(ctx: ServiceContext) -> list[dict[str, object]]:
    with ctx.uow(readonly=True) as uow:
        query = select(outbox.c.payload).where(outbox.c.topic == DEADLINE_REMINDER).order_by(outbox.c.id)
        return list(uow.session.scalars(query))


def move(clock: FrozenClock, moment: datetime) -> None:
    clock.advance(seconds=(moment - clock.now()).total_seconds())


@pytest.fixture
def clock(ctx: ServiceContext) -> FrozenClock:
    frozen = FrozenClock(REGISTERED)
    ctx.clock = frozen
    return frozen


def test_each_threshold_fires_once(ctx: ServiceContext, clock: FrozenClock) -> None:
    appeal_id = _register(ctx, clock)
    appeal = _appeal(ctx, appeal_id)
    assert (appeal.created_at, appeal.due_at) == (REGISTERED, DUE)
    assert DUE.astimezone(MOSCOW) == datetime(2026, 12, 8, 18, tzinfo=MOSCOW)

    move(clock, HALF - timedelta(seconds=1))
    assert scan_deadlines(ctx) == 0, "nothing before half of the time"
    move(clock, HALF)
    assert scan_deadlines(ctx) == 1
    assert scan_deadlines(ctx) == 0, "50 % fires once"
    move(clock, LATE - timedelta(minutes=1))
    assert scan_deadlines(ctx) == 0
    move(clock, LATE)
    assert scan_deadlines(ctx) == 1
    assert scan_deadlines(ctx) == 0
    move(clock, DUE)
    assert scan_deadlines(ctx) == 0, "at the deadline itself the appeal is still on time"
    move(clock, DUE + timedelta(seconds=1))
    assert scan_deadlines(ctx) == 1
    clock.advance(days=3)
    assert scan_deadlines(ctx) == 0, "overdue fires once, however long it stays overdue"

    fired = _fired(ctx, appeal_id)
    assert [(kind, due) for kind, due, _ in fired] == [("50%", DUE), ("80%", DUE), ("overdue", DUE)]
    # the executor is told first; the overdue notice is the escalation to the center's moderators
    body = f"agency:{appeal.agency_id}" if appeal.status == "assigned" else "moderators"
    assert [to for _, _, to in fired] == [body, body, "moderators"]
    assert _events(ctx, appeal_id) == [
        {"kind": kind, "due_at": DUE.isoformat(), "addressed_to": to} for kind, _, to in fired
    ]
    payloads = _outbox(ctx)
    assert [(p["kind"], p["appeal_id"], p["escalation"]) for p in payloads] == [
        ("50%", appeal_id, False),
        ("80%", appeal_id, False),
        ("overdue", appeal_id, True),
    ]
    assert payloads[0]["number"] == appeal.number


def test_a_late_first_scan_fires_only_the_latest_threshold(ctx: ServiceContext, clock: FrozenClock) -> None:
    appeal_id = _register(ctx, clock)
    move(clock, DUE + timedelta(hours=1))  # the scanner was down for the whole term
    assert scan_deadlines(ctx) == 1
    assert [kind for kind, _, _ in _fired(ctx, appeal_id)] == ["overdue"]


def test_two_scanners_at_once_fire_once(ctx: ServiceContext, clock: FrozenClock) -> None:
    appeal_ids = [_register(ctx, clock, n) for n in range(1, 6)]
    move(clock, LATE)
    start = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def scanner() -> None:
        try:
            start.wait()
            counts.append(scan_deadlines(ctx))
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=scanner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(counts) == len(appeal_ids), counts
    for appeal_id in appeal_ids:
        assert [kind for kind, _, _ in _fired(ctx, appeal_id)] == ["80%"]
        assert len(_events(ctx, appeal_id)) == 1
    assert len(_outbox(ctx)) == len(appeal_ids)


def test_a_restart_fires_nothing_new(ctx: ServiceContext, clock: FrozenClock) -> None:
    appeal_id = _register(ctx, clock)
    move(clock, HALF)
    assert scan_deadlines(ctx) == 1
    restarted = bootstrap(ctx.settings, clock=FrozenClock(HALF + timedelta(hours=1)))  # same database
    assert scan_deadlines(restarted) == 0
    assert scan_deadlines(ctx) == 0
    assert len(_fired(ctx, appeal_id)) == 1


def test_an_extended_deadline_fires_again(ctx: ServiceContext, clock: FrozenClock) -> None:
    appeal_id = _register(ctx, clock)
    move(clock, HALF)
    assert scan_deadlines(ctx) == 1
    extended = DUE + timedelta(hours=270)  # the span doubles to 540 h: 50 % is now at REGISTERED + 270 h
    with ctx.uow() as uow:  # no extension service yet: move the deadline as one would
        appeal = uow.appeals.get(appeal_id)
        assert appeal is not None
        appeal.due_at = extended
        uow.commit()
    assert scan_deadlines(ctx) == 0, "at REGISTERED + 135 h only 25 % of the new span has passed"
    move(clock, REGISTERED + timedelta(hours=270))
    assert scan_deadlines(ctx) == 1
    assert [(kind, due) for kind, due, _ in _fired(ctx, appeal_id)] == [("50%", DUE), ("50%", extended)]


def test_closed_appeals_are_left_alone(ctx: ServiceContext, clock: FrozenClock) -> None:
    appeal_id = _register(ctx, clock)
    with ctx.uow() as uow:  # the state machine is tested elsewhere; here only "not open any more" matters
        appeal = uow.appeals.get(appeal_id)
        assert appeal is not None
        appeal.status = "resolved"
        uow.commit()
    move(clock, DUE + timedelta(days=1))
    assert scan_deadlines(ctx) == 0
    assert _fired(ctx, appeal_id) == []


def test_the_database_keeps_one_reminder_per_key(ctx: ServiceContext, clock: FrozenClock) -> None:
    appeal_id = _register(ctx, clock)
    outcomes = []
    for _ in range(2):  # what a second scanner that read before the first committed ends up doing
        with ctx.uow() as uow:
            repo = ReminderRepository(uow.session)
            outcomes.append(repo.record(appeal_id, "80%", DUE, addressed_to="moderators", at=LATE))
            uow.commit()
    assert outcomes[0] is not None and outcomes[1] is None
