"""Per-channel send limits that hold across processes: notification storms are the classic failure of such
systems, and VK's and Telegram's limits are per account, not per process.

The count lives in the database (a row per channel, one atomic update per send; adapters/db/repositories/
send_limits.py), so two delivery workers — a lease handover, a second replica, an operator's manual run — share one
budget. On SQLite (the embedded single process) the same table works under SQLite's write lock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from otklik.adapters.db.repositories.send_limits import SendLimitRepository
from otklik.services.unit_of_work import UnitOfWorkFactory


class SendLimiter(Protocol):
    def try_take(self, channel: str) -> float:
        """0 when a send may go now (it is counted); otherwise the seconds to wait."""
        ...


def burst_of(rate_per_second: float) -> float:
    """At most a second's worth at once, and never less than one send."""
    return max(1.0, rate_per_second)


class SharedSendLimits:
    """The limits of the configured channels; a channel without a limit is never held back."""

    def __init__(self, uow: UnitOfWorkFactory, rates: Mapping[str, float]) -> None:
        for channel, rate in rates.items():
            if rate <= 0:
                raise ValueError(f"the send rate of {channel!r} must be positive")
        self._uow = uow
        self._rates = dict(rates)

    def try_take(self, channel: str) -> float:
        rate = self._rates.get(channel)
        if rate is None:
            return 0.0
        with self._uow() as uow:
            wait = SendLimitRepository(uow.session).try_take(channel, rate_per_second=rate, burst=burst_of(rate))
            uow.commit()
        return wait
