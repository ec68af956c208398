"""A batch of accepted messages stored with its outbox rows (`MessageRepository.add_many_announced`): on
PostgreSQL one statement over arrays (adapters/db/repositories/message_batch_pg.py), on SQLite two statements.
Every field comes back as it went in, a key already stored or repeated in the batch is not stored again, and
each message stored is announced exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from otklik.domain.channels import Channel
from otklik.domain.message import Attachment, Author, InboundMessage
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db

TOPIC = "message.received"
MSK = timezone(timedelta(hours=3))


def _full(external_id: str) -> InboundMessage:
    return InboundMessage(
        channel=Channel("vk"),
        external_id=external_id,
        text="Во дворе дома 12 по ул. Советской в Костроме яма «по колено» — машины бьют подвески\n'O\"Brien' %s",
        created_at=datetime(2026, 11, 27, 10, 0, 30, 250000, tzinfo=MSK),
        author=Author(name="Анна", external_id="123", phone="+7 900 000-00-00", email="a@example.org", profile_url="u"),
        url="https://vk.com/wall-1_100?reply=5",
        lat=57.76796123456789,  # every digit a float holds: it must come back the same float
        lon=40.926858123456784,
        address="Кострома, ул. Советская, 12",
        context={"community": "Кострома", "thread": [1, 2, {"deep": None}], "flag": True},
        attachments=(Attachment("photo.jpg", "image/jpeg", 2048, "k/1"),),
        formal=True,
    )


def _bare(external_id: str) -> InboundMessage:
    return InboundMessage(Channel("telegram"), external_id, "просто текст", datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


def test_every_field_is_stored_and_each_new_message_announced_once(ctx: ServiceContext) -> None:
    received = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    with ctx.uow() as uow:
        (earlier,) = uow.messages.add_many_announced([_bare("b-0")], received, TOPIC)
        uow.commit()
    assert earlier is not None
    batch = [_full("f-2"), _bare("b-1"), _full("f-1"), _bare("b-0"), _bare("b-1")]
    with ctx.uow() as uow:
        ids = uow.messages.add_many_announced(batch, received, TOPIC)
        uow.commit()
    # New keys get ids; the key stored before and the repeat later in the batch get None.
    assert ids[3] is None and ids[4] is None
    new_ids = [ids[0], ids[1], ids[2]]
    assert all(isinstance(i, int) for i in new_ids) and len(set(new_ids)) == 3 and earlier not in new_ids
    with ctx.uow(readonly=True) as uow:
        stored = {i: uow.messages.get(i) for i in new_ids if i is not None}
        events = [e for e in uow.outbox.pending(100) if e.topic == TOPIC]
    announced = sorted(int(e.payload["message_id"]) for e in events)
    assert announced == sorted([earlier, *new_ids]), "each stored message announced exactly once"
    full = stored[ids[0]]
    assert full is not None
    assert full.message == _full("f-2")  # every field, the attachment and the nested context included
    assert full.message.created_at == datetime(2026, 11, 27, 7, 0, 30, 250000, tzinfo=UTC)
    assert full.received_at == received
    bare = stored[ids[1]]
    assert bare is not None and bare.message == _bare("b-1") and bare.outcome is None


def test_an_empty_batch_stores_nothing(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        assert uow.messages.add_many_announced([], datetime(2026, 11, 28, tzinfo=UTC), TOPIC) == []
        uow.commit()
    with ctx.uow(readonly=True) as uow:
        assert uow.outbox.pending(10) == []
