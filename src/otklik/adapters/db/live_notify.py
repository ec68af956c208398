"""Live events across processes on PostgreSQL: NOTIFY to send, one LISTEN connection per process to receive.

With a broker, or with `otklik serve --workers N`, the process that registers an appeal (a worker) is seldom the one
whose server-sent-events stream a moderator has open. PostgreSQL's NOTIFY reaches every listening session, needs no
other server, and is sent when the sender's transaction commits — so a reader never hears of an appeal before it can
be read. A process listens only once a reader subscribes in it (workers never do), on one dedicated connection shared
by every context of the process that points at the same database."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import psycopg
import structlog
from sqlalchemy import text
from sqlalchemy.engine import Engine

log = structlog.get_logger(__name__)

CHANNEL = "otklik_live"
# NOTIFY's payload limit is 8,000 bytes; live events are a few hundred. A larger one is cut to its identity fields.
MAX_PAYLOAD_BYTES = 7_900
IDENTITY_FIELDS = ("change", "appeal_id", "alert_id", "municipality_id", "agency_id", "status")
LISTEN_READY_SECONDS = 5.0
RECONNECT_SECONDS = (1.0, 30.0)  # first wait after a broken connection, and the most it doubles to

Deliver = Callable[[dict[str, Any]], None]


class PostgresLiveFanout:
    """`send` notifies every process listening on the database (this one included); `listen` makes sure this process
    is one of them before it returns, so a reader that subscribes after it misses nothing sent after."""

    reaches_other_processes = True

    def __init__(self, engine: Engine, deliver: Deliver) -> None:
        self._engine = engine
        self._deliver = deliver

    def send(self, event: dict[str, Any]) -> None:
        payload = json.dumps(event, ensure_ascii=False, default=str)
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            payload = json.dumps({k: event[k] for k in IDENTITY_FIELDS if k in event}, ensure_ascii=False, default=str)
        with self._engine.begin() as connection:
            connection.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})

    def listen(self) -> None:
        dsn = self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        _listener_for(dsn, self._deliver).wait_ready()


class _Listener:
    """One thread on one connection: LISTEN, then hand each notification to `deliver`; reconnects when it breaks
    (what is sent while it is away is lost — live screens are a convenience, the queue itself is read from the
    database on every load)."""

    def __init__(self, dsn: str, deliver: Deliver) -> None:
        self._dsn = dsn
        self._deliver = deliver
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="otklik-live-listen", daemon=True)
        self._thread.start()

    def wait_ready(self) -> None:
        if not self._ready.wait(LISTEN_READY_SECONDS):
            raise RuntimeError("the live feed could not LISTEN on PostgreSQL")

    def _run(self) -> None:
        wait, longest = RECONNECT_SECONDS
        while True:
            try:
                with psycopg.connect(self._dsn, autocommit=True, application_name="otklik-live") as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._ready.set()
                    wait = RECONNECT_SECONDS[0]
                    for notification in connection.notifies():
                        self._hand_over(notification.payload)
            except Exception as error:
                log.warning("live.listen_failed", error=str(error).splitlines()[0], retry_in=wait)
            threading.Event().wait(wait)
            wait = min(wait * 2, longest)

    def _hand_over(self, payload: str) -> None:
        try:
            self._deliver(json.loads(payload))
        except Exception:  # one bad event must not stop the feed
            log.exception("live.deliver_failed")


_LISTENERS: dict[str, _Listener] = {}
_LISTENERS_LOCK = threading.Lock()


def _listener_for(dsn: str, deliver: Deliver) -> _Listener:
    with _LISTENERS_LOCK:
        listener = _LISTENERS.get(dsn)
        if listener is None:
            listener = _LISTENERS[dsn] = _Listener(dsn, deliver)
        return listener
