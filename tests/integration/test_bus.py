"""The in-process bus over the outbox: handlers see JSON payloads; a failing handler is retried, then parked."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from otklik.adapters.bus.inprocess import InProcessBus
from otklik.adapters.db.tables.outbox import outbox
from otklik.services.context import ServiceContext

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
