"""A tiny in-process publish/subscribe for live screens (the moderators' queue over server-sent events).

Publishers are bus handlers running after a commit (any thread); subscribers are SSE responses (an event loop)
or plain threads. Each subscriber has its own bounded buffer: a slow reader loses its oldest events, never
slows a publisher down. Events travel between processes through the context's `Fanout`: in the embedded
single process it is this process's feed itself; on PostgreSQL it is NOTIFY/LISTEN (adapters/db/live_notify.py), so
an appeal registered by `otklik worker` reaches a moderator whose stream is open in any `otklik serve`."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from otklik.services.context import ServiceContext

DEFAULT_BUFFER = 200  # events a subscriber may fall behind by before the oldest are dropped


class Subscription:
    """One reader's buffer. `get` blocks a thread; `next` awaits in an event loop; both give None on timeout."""

    def __init__(self, buffer: int) -> None:
        self._items: deque[dict[str, Any]] = deque(maxlen=buffer)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._waker: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None
        self.dropped = 0  # events lost to overflow: the reader was too slow

    def put(self, event: dict[str, Any]) -> None:
        with self._lock:
            if len(self._items) == self._items.maxlen:
                self.dropped += 1  # deque(maxlen) drops the oldest on append
            self._items.append(event)
            self._ready.set()
            waker = self._waker
        if waker is not None:
            loop, ready = waker
            with suppress(RuntimeError):  # the reader's loop is closed: it is going away anyway
                loop.call_soon_threadsafe(ready.set)

    def get_nowait(self) -> dict[str, Any] | None:
        with self._lock:
            if not self._items:
                self._ready.clear()
                return None
            event = self._items.popleft()
            if not self._items:
                self._ready.clear()
            return event

    def get(self, timeout: float) -> dict[str, Any] | None:
        event = self.get_nowait()
        if event is None and self._ready.wait(timeout):
            event = self.get_nowait()
        return event

    async def next(self, timeout: float) -> dict[str, Any] | None:
        event = self.get_nowait()
        if event is not None:
            return event
        ready = self._async_ready()
        ready.clear()
        event = self.get_nowait()  # an event may have come between the first look and clear()
        if event is not None:
            return event
        try:
            await asyncio.wait_for(ready.wait(), timeout)
        except TimeoutError:
            return None
        return self.get_nowait()

    def _async_ready(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._waker is None or self._waker[0] is not loop:
                self._waker = (loop, asyncio.Event())
            return self._waker[1]


class LiveFeed:
    def __init__(self, buffer: int = DEFAULT_BUFFER) -> None:
        self._buffer = buffer
        self._lock = threading.Lock()
        self._subscribers: set[Subscription] = set()

    def publish(self, event: dict[str, Any]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscription in subscribers:
            subscription.put(dict(event))  # a copy each: a reader may not change what another reads

    @contextmanager
    def subscribe(self) -> Iterator[Subscription]:
        subscription = Subscription(self._buffer)
        with self._lock:
            self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            with self._lock:
                self._subscribers.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)


# One feed per process: the fan-out delivers here, and readers (the SSE endpoint) subscribe here.
FEED = LiveFeed()


class Fanout(Protocol):
    """Carries a live event to the feed of every process that has readers, this one's included."""

    def has_listeners(self) -> bool:
        """Whether any process may have a reader now (so an event is worth reading and sending)."""

    def send(self, event: dict[str, Any]) -> None: ...

    def listening(self) -> AbstractContextManager[None]:
        """While inside, this process receives what is sent (entered before a reader subscribes)."""


class LocalFanout:
    """The embedded single process: sending is publishing to this process's feed."""

    def has_listeners(self) -> bool:
        return FEED.subscriber_count > 0

    def send(self, event: dict[str, Any]) -> None:
        FEED.publish(event)

    def listening(self) -> AbstractContextManager[None]:
        return nullcontext()


def broadcast(ctx: ServiceContext, event: dict[str, Any]) -> None:
    """Send `event` to every open live screen, in whichever process it is."""
    ctx.live.send(event)


@contextmanager
def subscribe(ctx: ServiceContext) -> Iterator[Subscription]:
    """`with live_feed.subscribe(ctx) as subscription:` — what is broadcast from now on, until the block ends."""
    with ctx.live.listening(), FEED.subscribe() as subscription:
        yield subscription


def announce(ctx: ServiceContext, appeal_id: int, change: str) -> None:
    """What a live screen needs of a registered or changed appeal; the scope fields let each reader filter.

    Called by the bus after the commit (services/handlers.py); nothing is read when nobody can be listening."""
    if not ctx.live.has_listeners():
        return
    with ctx.uow(readonly=True) as uow:
        appeal = uow.appeals.get(appeal_id)
    if appeal is None:
        return
    broadcast(
        ctx,
        {
            "change": change,
            "appeal_id": appeal_id,
            "number": appeal.number,
            "status": appeal.status,
            "priority": appeal.priority,
            "municipality_id": appeal.municipality_id,
            "agency_id": appeal.agency_id,
            "due_at": appeal.due_at.isoformat() if appeal.due_at else None,
        },
    )
