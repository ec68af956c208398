"""The citizen answers a request for details in their own channel (a Telegram chat, an e-mail reply): the message
is attached to the appeal as the answer, the deadline clock restarts, and no new appeal is registered; a message
redelivered moves nothing twice; somebody else's message is a new appeal as usual.

Dates are worked out by hand on the 2026 production calendar: no holidays from 10 March to 30 April, so a pause
of exactly one week (five working days) moves the deadline by exactly one week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from otklik.adapters.db.repositories.workflow import WorkflowRepository
from otklik.clock import FrozenClock
from otklik.domain.appeal import Appeal
from otklik.domain.channels import Channel
from otklik.domain.events import EventType
from otklik.domain.message import Author, InboundMessage, MessageDecision, MessageOutcome
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message
from otklik.services.registration import process_message
from staff_support import SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

REGISTERED = datetime(2026, 3, 10, 7, tzinfo=UTC)  # Tue 10 March 2026, 10:00 MSK
POTHOLE = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
ANSWER = "дом 5, подъезд 2"
QUESTION = "Уточните, пожалуйста, номер дома и подъезда"


@pytest.fixture
def clock(ctx: ServiceContext, staff_team: StaffTeam, client: TestClient) -> FrozenClock:
    """Frozen in the past of the tokens: sign in first, at the real time, so the tokens outlive the clock's moves."""
    staff_team.headers("admin")
    frozen = FrozenClock(REGISTERED)
    ctx.clock = frozen
    return frozen


def telegram(key: str, text: str, chat: str = "555") -> InboundMessage:
    return InboundMessage(
        Channel.TELEGRAM, key, text, REGISTERED, Author(name="Анна", external_id=chat), context={"chat_id": chat}
    )


def email(key: str, text: str, address: str = "anna@example.org") -> InboundMessage:
    return InboundMessage(
        Channel.EMAIL, key, text, REGISTERED, Author(name="Анна", email=address), context={"message_id": key}
    )


def registered(ctx: ServiceContext, client: TestClient, message: InboundMessage) -> int:
    """A new appeal from the message, assigned to the town of Sharya's administration."""
    decision = receive_message(ctx, message)
    assert decision.outcome is MessageOutcome.REGISTERED and decision.appeal_id is not None, decision
    if client.get(f"/api/v1/appeals/{decision.appeal_id}").json()["status"] != "assigned":
        moved = client.post(
            f"/api/v1/appeals/{decision.appeal_id}/transitions", json={"to": "assigned", "agency_id": SHARYA_ADMIN}
        )
        assert moved.status_code == 200, moved.text
    return decision.appeal_id


def ask(client: TestClient, appeal_id: int) -> None:
    asked = client.post(f"/api/v1/appeals/{appeal_id}/details-request", json={"question": QUESTION})
    assert asked.status_code == 201, asked.text


def appeal_of(ctx: ServiceContext, appeal_id: int) -> Appeal:
    with ctx.uow(readonly=True) as uow:
        appeal = uow.appeals.get(appeal_id)
        assert appeal is not None
        return appeal


def received_events(client: TestClient, appeal_id: int) -> list[dict[str, object]]:
    history = client.get(f"/api/v1/appeals/{appeal_id}").json()["history"]
    return [e for e in history if e["type"] == EventType.DETAILS_RECEIVED.value]


def total(client: TestClient) -> int:
    count: int = client.get("/api/v1/appeals").json()["total"]
    return count


def attached(decision: MessageDecision, appeal_id: int) -> bool:
    return decision.outcome is MessageOutcome.DETAILS and decision.appeal_id == appeal_id


def test_a_telegram_answer_restarts_the_clock_once(ctx: ServiceContext, client: TestClient, clock: FrozenClock) -> None:
    appeal_id = registered(ctx, client, telegram("tg-1", POTHOLE))
    before = appeal_of(ctx, appeal_id)
    assert before.due_at is not None and before.due_at > REGISTERED + timedelta(weeks=1)
    clock.advance(hours=1)  # Tue 10 March, 11:00 MSK
    ask(client, appeal_id)
    assert appeal_of(ctx, appeal_id).clock_paused_at == REGISTERED + timedelta(hours=1)

    clock.advance(weeks=1)  # Tue 17 March, 11:00 MSK: five working days of the pause
    answer = telegram("tg-2", ANSWER)
    decision = receive_message(ctx, answer)
    assert attached(decision, appeal_id), decision
    after = appeal_of(ctx, appeal_id)
    assert after.clock_paused_at is None
    assert after.due_at == before.due_at + timedelta(weeks=1)
    assert total(client) == 1, "the answer is not a new appeal"
    events = received_events(client, appeal_id)
    assert len(events) == 1 and events[0]["data"]["paused_working_hours"] == 40
    with ctx.uow(readonly=True) as uow:
        requests = WorkflowRepository(uow.session).details_requests_of(appeal_id)
    assert [(r.question, r.answer) for r in requests] == [(QUESTION, ANSWER)]

    # The channel delivers the same update again, and a worker processes the stored message again: nothing moves.
    clock.advance(days=1)
    again = receive_message(ctx, answer)
    assert again.outcome is MessageOutcome.DUPLICATE and again.appeal_id == appeal_id
    process_message(ctx, decision.message_id)
    assert appeal_of(ctx, appeal_id).due_at == before.due_at + timedelta(weeks=1)
    assert len(received_events(client, appeal_id)) == 1 and total(client) == 1

    # Nothing is waiting any more: the next message of the same chat is a new appeal again.
    later = receive_message(ctx, telegram("tg-3", "Не горит фонарь на улице Ленина в Шарье у дома 12"))
    assert later.outcome is MessageOutcome.REGISTERED and later.appeal_id != appeal_id


def test_another_authors_message_is_a_new_appeal(ctx: ServiceContext, client: TestClient, clock: FrozenClock) -> None:
    appeal_id = registered(ctx, client, telegram("tg-1", POTHOLE))
    ask(client, appeal_id)
    number = appeal_of(ctx, appeal_id).number
    clock.advance(days=1)
    # Another chat, even naming the number, does not answer somebody else's question.
    stranger = receive_message(ctx, telegram("tg-9", f"{POTHOLE}, обращение № {number}", chat="777"))
    assert stranger.outcome is MessageOutcome.REGISTERED and stranger.appeal_id != appeal_id
    # Nor does the same person in another channel: the question went to the Telegram chat.
    mailed = receive_message(ctx, email("<m-9@example.org>", f"{POTHOLE}, обращение № {number}"))
    assert mailed.outcome is MessageOutcome.REGISTERED and mailed.appeal_id != appeal_id
    assert appeal_of(ctx, appeal_id).clock_paused_at is not None
    assert received_events(client, appeal_id) == []


def test_a_named_number_picks_the_appeal_among_several_waiting(
    ctx: ServiceContext, client: TestClient, clock: FrozenClock
) -> None:
    first = registered(ctx, client, telegram("tg-1", POTHOLE))
    second = registered(ctx, client, telegram("tg-2", "Яма у дома 7 на улице Ленина в Шарье, не проехать"))
    ask(client, first)
    clock.advance(hours=1)
    ask(client, second)  # the latest question
    clock.advance(days=1)
    number = appeal_of(ctx, first).number
    decision = receive_message(ctx, telegram("tg-3", f"По обращению № {number}: {ANSWER}"))
    assert attached(decision, first), decision
    assert appeal_of(ctx, first).clock_paused_at is None
    assert appeal_of(ctx, second).clock_paused_at is not None
    # Without a number the answer goes to the question still waiting.
    assert attached(receive_message(ctx, telegram("tg-4", "подъезд 3")), second)
    assert appeal_of(ctx, second).clock_paused_at is None and total(client) == 2


def test_an_email_reply_naming_the_number_answers(ctx: ServiceContext, client: TestClient, clock: FrozenClock) -> None:
    appeal_id = registered(ctx, client, email("<m-1@example.org>", POTHOLE))
    before = appeal_of(ctx, appeal_id)
    assert before.due_at is not None
    clock.advance(hours=1)
    ask(client, appeal_id)
    clock.advance(weeks=1)
    reply = f"Re: Уточнение (обращение № {before.number})\n\n{ANSWER}"
    # Another address naming the number is somebody else: a new appeal, the clock stays paused.
    other = receive_message(ctx, email("<m-8@example.org>", reply, address="boris@example.org"))
    assert other.outcome is not MessageOutcome.DETAILS and other.appeal_id != appeal_id
    assert appeal_of(ctx, appeal_id).clock_paused_at is not None

    decision = receive_message(ctx, email("<m-2@example.org>", reply, address="Anna@Example.org"))
    assert attached(decision, appeal_id), decision
    after = appeal_of(ctx, appeal_id)
    assert after.clock_paused_at is None and after.due_at == before.due_at + timedelta(weeks=1)
    assert len(received_events(client, appeal_id)) == 1
