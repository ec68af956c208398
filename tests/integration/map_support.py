"""Appeals for the map and spike tests, stored through the product's own repositories (real database) with the
place, group, time and status each test needs — the classifier is not what these tests are about."""

from __future__ import annotations

import csv
import itertools
from datetime import datetime
from pathlib import Path

from otklik.domain.appeal import Appeal
from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage
from otklik.services.context import ServiceContext

SETTLEMENTS_CSV = Path(__file__).resolve().parents[2] / "src" / "otklik" / "data" / "kostroma" / "settlements.csv"
_serial = itertools.count(1)


def population_from_csv(municipality_name: str) -> int:
    """The reference population, read here from the shipped file (not from the product's tables)."""
    with SETTLEMENTS_CSV.open(encoding="utf-8", newline="") as handle:
        return sum(
            int(float(row["population"]))
            for row in csv.DictReader(handle)
            if row["municipality"] == municipality_name and row["population"].strip()
        )


def add_appeal(
    ctx: ServiceContext,
    *,
    municipality_id: str,
    group: str,
    created_at: datetime,
    topic: str | None = None,
    status: str = "assigned",
    agency_id: str | None = None,
    channel: Channel = Channel.PORTAL,
    lat: float | None = None,
    lon: float | None = None,
    due_at: datetime | None = None,
    reject_reason: str | None = None,
    text: str = "Прорвало трубу, вода во дворе. Звонить Иванову +7 900 123-45-67",
) -> int:
    n = next(_serial)
    with ctx.uow() as uow:
        message = InboundMessage(channel, f"map-{n}-{created_at.timestamp()}", text, created_at, Author(name="Иван"))
        message_id = uow.messages.add(message, created_at)
        number = uow.appeals.next_number(44, created_at.year)
        appeal = uow.appeals.add(
            Appeal(
                number=str(number),
                kind="message",
                status=status,
                channel=channel.value,
                message_id=message_id,
                text=text,
                text_masked="Прорвало трубу, вода во дворе. Звонить [ФИО] [телефон]",
                created_at=created_at,
                group=group,
                topic=topic,
                municipality_id=municipality_id,
                agency_id=agency_id,
                lat=lat,
                lon=lon,
                due_at=due_at,
                reject_reason=reject_reason,
            )
        )
        uow.commit()
        assert appeal.id is not None
        return appeal.id
