"""Live screens hear of what another process does: an appeal registered by `otklik worker` (or another `otklik serve`)
reaches a moderator's open stream. On PostgreSQL the event is sent from a real second Python process through NOTIFY;
in the embedded SQLite mode there is one process, and the broadcast is that process's own feed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from otklik.services import live_feed
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db

SEND_FROM_ANOTHER_PROCESS = """
import json, sys
from sqlalchemy import create_engine
from otklik.adapters.db.live_notify import PostgresLiveFanout
PostgresLiveFanout(create_engine(sys.argv[1]), print).send(json.loads(sys.argv[2]))
"""


def _on_postgresql(ctx: ServiceContext) -> bool:
    return ctx.uow.engine.dialect.name == "postgresql"


def test_an_event_sent_by_another_process_reaches_this_process_s_readers(ctx: ServiceContext) -> None:
    event = {"change": "registered", "appeal_id": 7, "municipality_id": "34730000", "agency_id": None, "status": "new"}
    with live_feed.subscribe(ctx) as subscription:
        if _on_postgresql(ctx):
            url = ctx.uow.engine.url.render_as_string(hide_password=False)
            subprocess.run(
                [sys.executable, "-c", SEND_FROM_ANOTHER_PROCESS, url, json.dumps(event)],
                check=True,
                timeout=60,
                env=os.environ,
            )
        else:
            live_feed.broadcast(ctx, event)
        received = subscription.get(timeout=10)
    assert received == event


def test_a_reader_that_left_hears_nothing_and_a_late_one_hears_only_what_follows(ctx: ServiceContext) -> None:
    first = {"change": "registered", "appeal_id": 1, "municipality_id": None, "agency_id": None, "status": "new"}
    second = {**first, "appeal_id": 2}
    with live_feed.subscribe(ctx) as early:
        live_feed.broadcast(ctx, first)
        assert early.get(timeout=10) == first
    with live_feed.subscribe(ctx) as late:
        live_feed.broadcast(ctx, second)
        assert late.get(timeout=10) == second
        assert late.get(timeout=0.5) is None  # `first` was before this reader subscribed
    assert early.get(timeout=0.5) is None  # unsubscribed: `second` never reached the early reader's buffer


def test_an_oversized_event_travels_as_its_identity(ctx: ServiceContext) -> None:
    event = {"change": "spike_alert", "alert_id": 3, "municipality_id": "34730000", "agency_id": None, "status": None}
    with live_feed.subscribe(ctx) as subscription:
        live_feed.broadcast(ctx, {**event, "text": "всплеск " * 2_000})
        received = subscription.get(timeout=10)
    assert received is not None and received["alert_id"] == 3 and received["change"] == "spike_alert"
    if _on_postgresql(ctx):  # NOTIFY carries at most 8,000 bytes: the text is left for the screen to load
        assert received == event


def test_a_process_listens_only_while_it_has_readers(ctx: ServiceContext) -> None:
    """Senders skip the read and the NOTIFY when no screen is open anywhere; a process with a reader is heard."""
    with live_feed.subscribe(ctx):
        assert ctx.live.has_listeners()
    if _on_postgresql(ctx):
        deadline = time.monotonic() + 10
        while _listening_connections(ctx) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _listening_connections(ctx) == 0  # the last reader out closed the connection
        time.sleep(1.1)  # past the senders' look-up interval
    assert not ctx.live.has_listeners()


def _listening_connections(ctx: ServiceContext) -> int:
    with ctx.uow.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE application_name = 'otklik-live' AND datname = current_database()"
                )
            ).scalar_one()
        )
