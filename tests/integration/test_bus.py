"""The bus over the outbox: handlers see JSON payloads; a failing handler is retried, then parked. The broker
workers' batch path decides as the in-process path does, once per message however often it is delivered."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
from dramatiq import Message, Worker
from sqlalchemy import event, func, select, update

from broker_support import virtual_host
from otklik.adapters.bus.broker import EVENT_ACTOR, EVENTS_PER_MESSAGE, EVENTS_QUEUE, RUNS_BEFORE_PARKING, build_broker
from otklik.adapters.bus.consumer import EventsFailed, declare_consumer, handle_events
from otklik.adapters.bus.inprocess import InProcessBus
from otklik.adapters.bus.relay import OutboxRelay
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.incidents import incident_members
from otklik.adapters.db.tables.messages import messages
from otklik.adapters.db.tables.outbox import outbox
from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage
from otklik.services.context import ServiceContext
from otklik.services.handlers import BATCH_HANDLERS, HANDLERS
from otklik.services.messages import MESSAGE_RECEIVED
from otklik.services.registration import APPEAL_REGISTERED, Work, process_message, process_messages

pytestmark = pytest.mark.db


def _publish(ctx: ServiceContext, topic: str, payload: dict[str, Any]) -> int:
    with ctx.uow() as uow:
        event_id = uow.outbox.add(topic, payload, at=ctx.clock.now())
        uow.commit()
    return event_id


def _row(ctx: ServiceContext, event_id: int) -> Any:
    with ctx.uow(readonly=True) as uow:
        return uow.session.execute(select(outbox).where(outbox.c.id == event_id)).mappings().one()


def test_handlers_get_the_payload_once(ctx: ServiceContext) -> None:
    seen: list[dict[str, Any]] = []
    bus = InProcessBus(ctx, {"test.ok": lambda _ctx, payload: seen.append(payload)})
    event_id = _publish(ctx, "test.ok", {"n": 1, "text": "Кострома"})
    assert bus.drain() == 1 and bus.drain() == 0
    assert seen == [{"n": 1, "text": "Кострома"}]
    assert _row(ctx, event_id)["dispatched_at"] is not None


def test_a_poison_event_is_retried_then_parked_with_its_error(ctx: ServiceContext) -> None:
    calls: list[int] = []

    def broken(_ctx: ServiceContext, payload: dict[str, Any]) -> None:
        calls.append(payload["n"])
        raise RuntimeError("handler bug")

    bus = InProcessBus(ctx, {"test.broken": broken}, park_after=3)
    event_id = _publish(ctx, "test.broken", {"n": 7})
    for _ in range(5):
        bus.drain(max_rounds=1)
    assert calls == [7, 7, 7], "parked after three failures, not run on every drain"
    row = _row(ctx, event_id)
    assert row["attempts"] == 3 and row["dispatched_at"] is not None and "handler bug" in row["last_error"]


# --- The broker workers' batch path (adapters/bus/consumer.py): the same decisions as one by one, exactly once.

APPEALS = [
    "Кострома, улица Советская, дом 12: третий день нет горячей воды, управляющая компания не отвечает.",
    "В Шарье на улице Ленина огромная яма на дороге, машины ломают колёса. Примите меры!",
    "Мусор не вывозят уже две недели, контейнеры на Никитской в Костроме переполнены.",
    "Не горят фонари на улице Мира в Нерехте, вечером темно и страшно ходить детям.",
    "Кто знает, во сколько сегодня салют?",
    "Спасибо за праздник, было очень красиво!",
    "В Буе течёт крыша, вода в подъезде дома 5 по Октябрьской, управляющая компания не приходит.",
    "Батареи холодные, в квартире четырнадцать градусов, Галич, улица Луначарского 3.",
]


def _store(ctx: ServiceContext, prefix: str, texts: list[str]) -> list[tuple[int, int]]:
    """Messages stored as the API stores them in broker mode: the row and its outbox event, nothing processed."""
    stored = []
    with ctx.uow() as uow:
        for i, text in enumerate(texts):
            message = InboundMessage(
                channel=Channel.VK,
                external_id=f"{prefix}-{i}",
                text=text,
                created_at=ctx.clock.now(),
                author=Author(name=f"Житель {i}", external_id=f"{prefix}-author-{i}"),
            )
            message_id = uow.messages.add(message, ctx.clock.now())
            stored.append(
                (message_id, uow.outbox.add(MESSAGE_RECEIVED, {"message_id": message_id}, at=ctx.clock.now()))
            )
        uow.commit()
    return stored


def _decisions(ctx: ServiceContext, message_ids: list[int]) -> list[tuple[Any, ...]]:
    """What was decided of each message, without what differs by time or order (ids, numbers, timestamps)."""
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(
            select(messages.c.outcome, appeals.c.group, appeals.c.topic, appeals.c.municipality_id)
            .add_columns(appeals.c.agency_id, appeals.c.status, appeals.c.priority, appeals.c.toxic)
            .select_from(messages.outerjoin(appeals, appeals.c.id == messages.c.appeal_id))
            .where(messages.c.id.in_(message_ids))
            .order_by(messages.c.id)
        ).all()
    return [tuple(row) for row in rows]


def _registered_events(ctx: ServiceContext) -> list[int]:
    with ctx.uow(readonly=True) as uow:
        query = select(outbox.c.id).where(outbox.c.topic == APPEAL_REGISTERED)
        return list(uow.session.execute(query).scalars())


def _unfinished(ctx: ServiceContext) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(uow.session.execute(select(func.count()).where(outbox.c.dispatched_at.is_(None))).scalar_one())


def test_a_batch_decides_as_one_by_one_does(ctx: ServiceContext) -> None:
    one_by_one = _store(ctx, "single", APPEALS)
    batched = _store(ctx, "batch", APPEALS)
    for message_id, _ in one_by_one:
        process_message(ctx, message_id)
    handle_events(ctx, HANDLERS, BATCH_HANDLERS, [event_id for _, event_id in batched])
    expected = _decisions(ctx, [m for m, _ in one_by_one])
    assert _decisions(ctx, [m for m, _ in batched]) == expected
    outcomes = [row[0] for row in expected]
    assert "registered" in outcomes and "not_an_appeal" in outcomes, "the texts cover both decisions"


def test_re_deliveries_and_a_crash_half_way_give_one_outcome_and_one_number(ctx: ServiceContext) -> None:
    stored = _store(ctx, "again", APPEALS)
    events = [event_id for _, event_id in stored]
    # A worker died after deciding the first three (their transactions committed) and before acknowledging.
    assert process_messages(ctx, [Work(m, e) for m, e in stored[:3]]) == {}
    handle_events(ctx, HANDLERS, BATCH_HANDLERS, events + events[:2])  # re-delivered, one id even twice
    handle_events(ctx, HANDLERS, BATCH_HANDLERS, events)
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(select(messages.c.outcome, messages.c.appeal_id)).all()
        numbers = list(uow.session.execute(select(appeals.c.number)).scalars())
    assert len(rows) == len(APPEALS) and all(outcome is not None for outcome, _ in rows)
    registered = [appeal_id for outcome, appeal_id in rows if outcome == "registered"]
    assert len(numbers) == len(registered) == len(set(numbers)), "one appeal, one number per registered message"
    assert len(_registered_events(ctx)) == len(registered), "one appeal.registered event per appeal"
    handle_events(ctx, HANDLERS, BATCH_HANDLERS, _registered_events(ctx))
    assert _unfinished(ctx) == 0


def test_a_message_that_fails_its_batch_fails_alone_and_the_others_are_decided(ctx: ServiceContext) -> None:
    """The batch is decided in one transaction; when a message breaks it (here a row left half-way: the message
    undecided although its appeal exists, so a second appeal breaks the unique message id), nothing of the batch
    stays written and each message is decided again alone: the others are decided and done, only it fails."""
    stored = _store(ctx, "poison", APPEALS[:4])
    poison_message, poison_event = stored[1]
    process_message(ctx, poison_message)
    with ctx.uow() as uow:  # its outcome lost, its appeal kept
        uow.session.execute(update(messages).where(messages.c.id == poison_message).values(outcome=None))
        uow.commit()
    failures = process_messages(ctx, [Work(m, e) for m, e in stored])
    assert list(failures) == [poison_event]
    with ctx.uow(readonly=True) as uow:
        rows = uow.session.execute(select(messages.c.id, messages.c.outcome).order_by(messages.c.id)).all()
        numbers = list(uow.session.execute(select(appeals.c.number)).scalars())
    assert [outcome for _, outcome in rows] == ["registered", None, "registered", "registered"]
    assert len(numbers) == len(set(numbers)) == 4, "the poison's earlier appeal and one for each of the others"
    assert [_row(ctx, e)["dispatched_at"] is not None for _, e in stored] == [True, False, True, True]


def test_a_batch_of_registered_appeals_is_linked_into_incidents(ctx: ServiceContext) -> None:
    """The broker path decides a batch in one transaction, then links its appeals one after another: the three
    reports of the same burst pipe are one incident, the other town's is not; the same events again change
    nothing."""
    texts = [
        "Шарья, ул. Ленина 12 — прорвало трубу, вода хлещет прямо на дорогу!!!",
        "Галич, ул. Свободы 3 — прорвало трубу, вода хлещет на дорогу!!!",
        "в шарье на ленина 12 прорыв трубы, течёт вода по всей улице, сделайте что-нибудь",
        "В г. Шарья по ул. Ленина, д. 12 прорвало водопроводную трубу, вода течёт по улице. Прошу принять меры.",
    ]
    stored = _store(ctx, "pipe", texts)
    handle_events(ctx, HANDLERS, BATCH_HANDLERS, [event_id for _, event_id in stored])
    registered = _registered_events(ctx)
    handle_events(ctx, HANDLERS, BATCH_HANDLERS, registered)
    handle_events(ctx, HANDLERS, BATCH_HANDLERS, registered)  # re-delivered: already done, skipped
    with ctx.uow(readonly=True) as uow:
        members = uow.session.execute(
            select(messages.c.external_id, incident_members.c.incident_id)
            .select_from(messages.join(appeals, appeals.c.message_id == messages.c.id))
            .outerjoin(incident_members, incident_members.c.appeal_id == appeals.c.id)
            .order_by(messages.c.external_id)
        ).all()
    incident_of = dict(members)
    assert len(incident_of) == 4, "every report registered"
    assert incident_of["pipe-0"] is not None
    assert incident_of["pipe-0"] == incident_of["pipe-2"] == incident_of["pipe-3"] != incident_of["pipe-1"]
    assert _unfinished(ctx) == 0


def test_a_failing_event_is_retried_alone_then_parked_while_its_batch_is_done(ctx: ServiceContext) -> None:
    good = [_publish(ctx, "test.ok", {"n": n}) for n in range(3)]
    bad = _publish(ctx, "test.broken", {"n": 99})
    seen: list[int] = []

    def broken(_ctx: ServiceContext, payload: dict[str, Any]) -> None:
        raise RuntimeError(f"handler bug {payload['n']}")

    handlers = {"test.ok": lambda _ctx, payload: seen.append(payload["n"]), "test.broken": broken}
    for run in range(1, RUNS_BEFORE_PARKING + 1):
        with pytest.raises(EventsFailed):
            handle_events(ctx, handlers, {}, [*good, bad])  # Dramatiq retries the whole message each time
        assert _row(ctx, bad)["attempts"] == run
    assert seen == [0, 1, 2], "the events that succeeded ran once, and were skipped on every retry"
    assert all(_row(ctx, event_id)["dispatched_at"] is not None for event_id in good)
    parked = _row(ctx, bad)
    assert parked["dispatched_at"] is not None and "handler bug 99" in parked["last_error"]


def test_a_batch_costs_about_one_transaction_per_message(ctx: ServiceContext) -> None:
    """The issue measured 48 transactions and 64 statements per message; the batch path: one decision
    transaction per batch (a statement per kind of row), then the incident linking of each appeal."""
    texts = [f"{APPEALS[i % 4]} Обращение {i}." for i in range(20)]
    stored = _store(ctx, "cost", texts)
    counts = {"begin": 0, "statements": 0}

    def on_begin(*_: Any) -> None:
        counts["begin"] += 1

    def on_statement(*_: Any) -> None:
        counts["statements"] += 1

    engine = ctx.uow.engine
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        handle_events(ctx, HANDLERS, BATCH_HANDLERS, [event_id for _, event_id in stored])
        handle_events(ctx, HANDLERS, BATCH_HANDLERS, _registered_events(ctx))
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "before_cursor_execute", on_statement)
    assert _unfinished(ctx) == 0 and len(_registered_events(ctx)) == len(texts)
    per_message = {name: count / len(texts) for name, count in counts.items()}
    print(f"per message: {per_message}")  # the figures for docs/processes.md (pytest -s)
    # A share of the batch's decision, the incident linking's transaction per appeal, the live feed's reads.
    assert per_message["begin"] <= 1.5, per_message
    assert per_message["statements"] <= 20, per_message


def test_the_relay_publishes_batches_that_a_worker_consumes_through_rabbitmq(ctx: ServiceContext) -> None:
    """The real broker (a virtual host of this test): 60 events go out as 3 messages of 25, 25 and 10 ids, and a
    Dramatiq worker runs each handler once; a message of the earlier format (one bare id) is still handled."""
    seen: list[int] = []
    with virtual_host() as url:
        broker = build_broker(url)
        try:
            declare_consumer(broker, ctx, {"test.ok": lambda _ctx, payload: seen.append(payload["n"])}, {})
            events = [_publish(ctx, "test.ok", {"n": n}) for n in range(60)]
            assert OutboxRelay(ctx, broker).publish_once() == 60
            assert broker.get_queue_message_counts(EVENTS_QUEUE)[0] == 3 == math.ceil(60 / EVENTS_PER_MESSAGE)
            legacy = _publish(ctx, "test.ok", {"n": 60})
            with ctx.uow() as uow:
                uow.outbox.mark_published([legacy], at=ctx.clock.now())  # as an earlier relay left it
                uow.commit()
            broker.enqueue(
                Message(queue_name=EVENTS_QUEUE, actor_name=EVENT_ACTOR, args=(legacy,), kwargs={}, options={})
            )
            worker = Worker(broker, queues={EVENTS_QUEUE}, worker_threads=2)
            worker.start()
            try:
                deadline = time.monotonic() + 60
                while _unfinished(ctx) and time.monotonic() < deadline:
                    time.sleep(0.1)
            finally:
                worker.stop(timeout=10_000)
        finally:
            broker.close()
    assert _unfinished(ctx) == 0
    assert sorted(seen) == list(range(61)), "each event handled exactly once"
    assert all(_row(ctx, event_id)["published_at"] is not None for event_id in events)
