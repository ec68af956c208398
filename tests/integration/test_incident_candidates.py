"""Incident linking reads only the candidates the rule can accept, with signals stored once per appeal (issue 10).

The expected answers come from the rule's own definition (domain/incidents.py `Reach`, checked against `match` in
tests/unit/domain/test_incident_reach.py) and from the scenario (one burst pipe reported twice is one incident),
not from what the product stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from otklik.adapters.db.repositories.incidents import IncidentRepository
from otklik.adapters.db.tables.incidents import incident_members, incident_signals
from otklik.domain.channels import Channel
from otklik.domain.incidents import MatchRule, reach_of
from otklik.domain.message import Author, InboundMessage
from otklik.nlp.incident_signal import content_lemmas, street_and_house
from otklik.services.context import ServiceContext
from otklik.services.incidents import signal_of
from otklik.services.messages import receive_message

pytestmark = pytest.mark.db

RULE = MatchRule()
PIPE = "Шарья, ул. Ленина 12 — прорвало трубу, вода хлещет прямо на дорогу!!!"
PIPE_AGAIN = "в шарье на ленина 12 прорыв трубы, течёт вода по всей улице, сделайте что-нибудь"
# Different problems, streets, groups and points of one town, so the reach of each admits some and not others.
STREAM = [
    (PIPE, None),
    ("Шарья, ул. Ленина 40 — не вывозят мусор, контейнеры переполнены", None),
    ("Шарья, ул. Советская 3 — яма на дороге, колесо пробил", (58.3755, 45.5110)),
    ("В Шарье на Советской 3 не горят фонари, темно во дворе", (58.37552, 45.51102)),
    ("Шарья, ул. Вокзальная 5: холодные батареи, дети мёрзнут", (58.3900, 45.5300)),
    ("Шарья, ул. Ленина 12: в подъезде не работает лифт третий день", None),
    ("Галич, ул. Свободы 3 — прорвало трубу, вода хлещет на дорогу!!!", None),
]


def _send(ctx: ServiceContext, key: str, text: str, point: tuple[float, float] | None = None) -> int:
    lat, lon = point or (None, None)
    decision = receive_message(
        ctx,
        InboundMessage(
            channel=Channel.VK,
            external_id=key,
            text=text,
            created_at=datetime.now(UTC),
            author=Author(name="Житель", external_id=key),
            lat=lat,
            lon=lon,
        ),
    )
    assert decision.appeal_id is not None, decision
    return decision.appeal_id


def test_a_linked_appeal_keeps_its_signal_derived_from_its_own_text(ctx: ServiceContext) -> None:
    appeal_id = _send(ctx, "signal-1", PIPE)
    with ctx.uow(readonly=True) as uow:
        stored = uow.session.execute(select(incident_signals).where(incident_signals.c.appeal_id == appeal_id)).one()
        appeal = uow.appeals.get(appeal_id)
    assert appeal is not None
    street, house = street_and_house(appeal.address, appeal.text_masked)
    assert (stored.street, stored.house) == (street, house) == ("ленин", "12")
    assert set(stored.lemmas.split()) == content_lemmas(appeal.text_masked, street=street)
    assert {"труба", "#вода-авария"} <= set(stored.lemmas.split())


def test_the_candidates_read_are_exactly_those_the_rule_can_reach(ctx: ServiceContext) -> None:
    ids = [_send(ctx, f"reach-{n}", text, point) for n, (text, point) in enumerate(STREAM)]
    unsigned = ids[1]  # as if registered before the signals were stored: it must stay a candidate for everyone
    with ctx.uow() as uow:
        uow.session.execute(delete(incident_signals).where(incident_signals.c.appeal_id == unsigned))
        uow.commit()
    with ctx.uow(readonly=True) as uow:
        repo = IncidentRepository(uow.session)
        rows = {appeal_id: repo.appeal_candidate(appeal_id) for appeal_id in ids}
        texts = repo.texts(ids)
        signals = {appeal_id: signal_of(row, texts[appeal_id]) for appeal_id, row in rows.items() if row}
        reached_some = refused_some = False
        for appeal_id, new in signals.items():
            reach = reach_of(new, RULE)
            if reach is None:
                continue
            since = datetime.now(UTC) - timedelta(hours=1)
            found = {c.appeal_id for c in repo.candidates(reach, since=since, exclude_appeal_id=appeal_id)}
            expected = {
                other_id
                for other_id, other in signals.items()
                if other_id != appeal_id and (reach.admits(other) or other_id == unsigned)
                and other.municipality_id == new.municipality_id
            }  # fmt: skip
            assert found == expected, (STREAM[ids.index(appeal_id)][0], found, expected)
            reached_some |= bool(found - {unsigned})
            refused_some |= (
                len(found) < sum(1 for s in signals.values() if s.municipality_id == new.municipality_id) - 1
            )
    assert reached_some and refused_some


def test_an_appeal_without_a_stored_signal_is_still_matched(ctx: ServiceContext) -> None:
    first = _send(ctx, "old-1", PIPE)
    with ctx.uow() as uow:  # linked before migration 0016: no signal stored, and no incident yet
        uow.session.execute(delete(incident_signals).where(incident_signals.c.appeal_id == first))
        uow.commit()
    second = _send(ctx, "new-2", PIPE_AGAIN)
    with ctx.uow(readonly=True) as uow:
        members = dict(uow.session.execute(select(incident_members.c.appeal_id, incident_members.c.incident_id)).all())
    assert first in members and members[first] == members.get(second)
