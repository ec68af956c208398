"""Live events across processes on PostgreSQL: NOTIFY to send, one LISTEN connection per process to receive.

With a broker, or with `otklik serve --workers N`, the process that registers an appeal (a worker) is seldom the one
whose server-sent-events stream a moderator has open. PostgreSQL's NOTIFY reaches every listening session, needs no
other server, and is sent when the sender's transaction commits — so a reader never hears of an appeal before it can
be read. A process listens only once a reader subscribes in it (workers never do), on one dedicated connection shared
by every context of the process that points at the same database."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
LISTENER_NAME = "otklik-live"  # the listeners' connections in pg_stat_activity
# A reader who opens a screen is heard by senders within this long (the page itself loads the list from the database).
LISTENERS_TTL_SECONDS = 1.0
CLOSING_CHECK_SECONDS = 0.5  # how soon a listener without readers lets go of its connection
RECONNECT_SECONDS = (1.0, 30.0)  # first wait after a broken connection, and the most it doubles to

Deliver = Callable[[dict[str, Any]], None]


class PostgresLiveFanout:
    """`send` notifies every process listening on the database (this one included); `listen` makes sure this process
    is one of them before it returns, so a reader that subscribes after it misses nothing sent after."""

    def __init__(self, engine: Engine, deliver: Deliver) -> None:
        self._engine = engine
        self._deliver = deliver
        self._listeners_seen: tuple[float, bool] = (-LISTENERS_TTL_SECONDS, False)  # (when looked, anyone?)

    def has_listeners(self) -> bool:
        """Whether a process LISTENs on this database, looked up at most once a second: a worker with no screen
        open anywhere spends nothing on the live feed (no read of the appeal, no NOTIFY)."""
        if self._dsn() in _LISTENERS:
            return True  # this process listens itself: known without asking
        looked_at, anyone = self._listeners_seen
        now = time.monotonic()
        if now - looked_at >= LISTENERS_TTL_SECONDS:
            with self._engine.connect() as connection:
                anyone = bool(
                    connection.execute(
                        text(
                            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity"
                            " WHERE application_name = :name AND datname = current_database())"
                        ),
                        {"name": LISTENER_NAME},
                    ).scalar()
                )
            self._listeners_seen = (now, anyone)
        return anyone

    def send(self, event: dict[str, Any]) -> None:
        payload = json.dumps(event, ensure_ascii=False, default=str)
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            payload = json.dumps({k: event[k] for k in IDENTITY_FIELDS if k in event}, ensure_ascii=False, default=str)
        with self._engine.begin() as connection:
            connection.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})

    @contextmanager
    def listening(self) -> Iterator[None]:
        """This process LISTENs while at least one reader is inside this block; the last one out closes the
        connection, so senders stop paying for screens nobody has open."""
        listener = _join(self._dsn(), self._deliver)
        try:
            listener.wait_ready()
            yield
        finally:
            _leave(listener)

    def _dsn(self) -> str:
        return self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class _Listener:
    """One thread on one connection: LISTEN, then hand each notification to `deliver`, while it has readers;
    reconnects when the connection breaks (what is sent meanwhile is lost — live screens are a convenience, the
    queue itself is read from the database on every load)."""

    def __init__(self, dsn: str, deliver: Deliver) -> None:
        self.dsn = dsn
        self._deliver = deliver
        self._ready = threading.Event()
        self.readers = 0  # changed under _LISTENERS_LOCK
        self.closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="otklik-live-listen", daemon=True)
        self._thread.start()

    def wait_ready(self) -> None:
        if not self._ready.wait(LISTEN_READY_SECONDS):
            raise RuntimeError("the live feed could not LISTEN on PostgreSQL")

    def _run(self) -> None:
        wait, longest = RECONNECT_SECONDS
        while not self.closing.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True, application_name=LISTENER_NAME) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._ready.set()
                    wait = RECONNECT_SECONDS[0]
                    while not self.closing.is_set():
                        for notification in connection.notifies(timeout=CLOSING_CHECK_SECONDS):
                            if self.closing.is_set():
                                break  # a successor may be listening already: one delivery per event
                            self._hand_over(notification.payload)
                return
            except Exception as error:
                log.warning("live.listen_failed", error=str(error).splitlines()[0], retry_in=wait)
            self.closing.wait(wait)
            wait = min(wait * 2, longest)

    def _hand_over(self, payload: str) -> None:
        try:
            self._deliver(json.loads(payload))
        except Exception:  # one bad event must not stop the feed
            log.exception("live.deliver_failed")


_LISTENERS: dict[str, _Listener] = {}
_LISTENERS_LOCK = threading.Lock()


def _join(dsn: str, deliver: Deliver) -> _Listener:
    with _LISTENERS_LOCK:
        listener = _LISTENERS.get(dsn)
        if listener is None:
            listener = _LISTENERS[dsn] = _Listener(dsn, deliver)
        listener.readers += 1
        return listener


def _leave(listener: _Listener) -> None:
    with _LISTENERS_LOCK:
        listener.readers -= 1
        if listener.readers == 0:
            listener.closing.set()  # its thread closes the connection within CLOSING_CHECK_SECONDS
            _LISTENERS.pop(listener.dsn, None)
