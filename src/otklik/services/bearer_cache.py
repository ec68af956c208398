"""A short in-process memory of resolved bearer tokens, so a gateway posting hundreds of messages a second does
not read the token and session tables for each one (docs/ingestion.md).

The bound: a token revoked, a session signed out or a person deactivated or re-passworded **in another process**
(`otklik tokens revoke`, another API replica) still works in this process for at most `BEARER_CACHE_SECONDS`.
In the process that made the change the memory is cleared at once. A staff session is never remembered past its
own expiry. Unknown tokens are not remembered: a newly created token works at once.

Refreshed ahead: a token used in the last `REFRESH_AHEAD_SECONDS` of its bound is looked up again in the background
(web/bearer_lookups.py) while the remembered principal still answers, so a gateway posting without pause never
meets an expired entry — all its requests in flight used to miss together and wait for the database at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cachetools import TLRUCache

from otklik.domain.access import Principal

BEARER_CACHE_SECONDS = 5.0
REFRESH_AHEAD_SECONDS = 1.0
MAX_TOKENS = 4096  # distinct live tokens remembered at once; past it the least recently used is forgotten


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    until: float  # on the cache's timer
    expires_at: datetime | None  # the credential's own end (a staff session), on the service's clock


class BearerCache:
    """Thread-safe (the API's request threads share it). `timer` is monotonic: a wall-clock step back must not
    stretch the bound."""

    def __init__(
        self,
        seconds: float = BEARER_CACHE_SECONDS,
        *,
        timer: Callable[[], float] = time.monotonic,
        maxsize: int = MAX_TOKENS,
    ) -> None:
        self.seconds = seconds
        self.refresh_ahead = min(REFRESH_AHEAD_SECONDS, seconds / 2)
        self._timer = timer
        self._lock = threading.Lock()
        self._generation = 0  # moved by every clear(): a lookup that began before it must not put back its answer
        self._entries: TLRUCache[str, _Entry] = TLRUCache(maxsize, ttu=lambda _k, entry, _now: entry.until, timer=timer)

    def get(self, token_hash: str, now: datetime) -> Principal | None:
        """The remembered principal, unless the bound has passed or the credential itself has ended by `now`."""
        with self._lock:
            entry = self._entries.get(token_hash)
        if entry is None or (entry.expires_at is not None and now >= entry.expires_at):
            return None
        return entry.principal

    def refresh_due(self, token_hash: str) -> bool:
        """Whether a remembered token is in the last part of its bound: time to look it up again, ahead."""
        with self._lock:
            entry = self._entries.get(token_hash)
            return entry is not None and entry.until - self._timer() < self.refresh_ahead

    @property
    def generation(self) -> int:
        """Read before a lookup's database read and given to `put`, so a revocation in between wins."""
        return self._generation

    def put(
        self,
        token_hash: str,
        principal: Principal,
        *,
        expires_at: datetime | None = None,
        generation: int | None = None,
    ) -> None:
        """Remember a resolved principal for the bound (never past `expires_at`, checked on every `get`). With
        `generation`, nothing is remembered if `clear` ran since it was read: the principal may be revoked."""
        with self._lock:
            if generation is None or generation == self._generation:
                self._entries[token_hash] = _Entry(principal, self._timer() + self.seconds, expires_at)

    def forget(self, token_hash: str) -> None:
        """A lookup found the token no longer valid: stop answering with it before its bound ends."""
        with self._lock:
            self._entries.pop(token_hash, None)

    def clear(self) -> None:
        """Forget everything: called by every revocation in this process, so it acts here at once."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
