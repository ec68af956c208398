"""The one local RabbitMQ, shared by every test process on this machine: `make test` runs its passes side by side,
and one kill test stops and starts the broker. A file lock keeps them apart: a test that uses the broker holds it
shared; a broker restart holds it exclusively, so it waits for those tests to finish and they wait for it.

`flock` locks belong to an open file, so one process keeps one descriptor and counts its users; a restart inside a
shared hold of the same process converts that hold to exclusive (and back) instead of deadlocking on itself. Every
wait is bounded."""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
# One path for all checkouts on the machine: they all share the one broker.
LOCK_PATH = Path(os.environ.get("OTKLIK_TEST_BROKER_LOCK", Path(tempfile.gettempdir()) / "otklik-test-rabbitmq.lock"))
LOCK_TIMEOUT_SECONDS = 600.0


def rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60, check=False)


class _BrokerLock:
    """This process's hold on the broker lock: shared while any user is inside, exclusive on request."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._fd: int | None = None
        self._users = 0

    def _take(self, mode: int) -> None:
        assert self._fd is not None
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(self._fd, mode | fcntl.LOCK_NB)
                return
            except BlockingIOError as busy:
                if time.monotonic() > deadline:
                    message = f"the broker lock {LOCK_PATH} was not free within {LOCK_TIMEOUT_SECONDS} s"
                    raise AssertionError(message) from busy
                time.sleep(0.05)

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._guard:
            if self._users == 0:
                self._fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o666)
                self._take(fcntl.LOCK_SH)
            self._users += 1
        try:
            yield
        finally:
            with self._guard:
                self._users -= 1
                if self._users == 0 and self._fd is not None:
                    os.close(self._fd)  # closing the descriptor releases the lock
                    self._fd = None

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self.shared():
            self._take(fcntl.LOCK_EX)  # converts this process's shared hold: waits for other processes' tests
            try:
                yield
            finally:
                self._take(fcntl.LOCK_SH)


BROKER_LOCK = _BrokerLock()


@contextmanager
def broker_in_use() -> Iterator[None]:
    """Around anything that talks to the broker: a restart by another test process waits until this ends."""
    with BROKER_LOCK.shared():
        yield


@contextmanager
def broker_to_ourselves() -> Iterator[None]:
    """Around a broker restart (`rabbitmqctl stop_app` … `start_app`): waits until no other test process uses the
    broker, and keeps them waiting until the block ends."""
    with BROKER_LOCK.exclusive():
        yield


@contextmanager
def virtual_host(*, hold: bool = True) -> Iterator[str]:
    """A RabbitMQ vhost of this test only, so parallel runs and leftovers never share a queue.

    `hold`: keep the broker lock shared for the whole block (a short test that must not see the broker stop). The
    kill tests' system passes False: it survives a broker restart by design, and holding the lock for minutes would
    keep a restart in another process waiting (or, with two kill modules at once, both)."""
    name = f"otklik_test_{uuid.uuid4().hex[:8]}"
    with broker_in_use():
        created = rabbitmqctl("add_vhost", name)
        assert created.returncode == 0, f"RabbitMQ is needed on 127.0.0.1:5672: {created.stderr}"
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        with broker_in_use() if hold else nullcontext():
            yield RABBITMQ + name
    finally:
        with broker_in_use():
            rabbitmqctl("delete_vhost", name)
