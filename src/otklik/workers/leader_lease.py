"""One leader across processes for the jobs that must run once (outbox relay, delivery, pollers, scans).

PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) held on a dedicated connection. Every process tries
every few seconds; the holder checks its connection on the same beat. When the holder dies its connection closes,
PostgreSQL releases the lock, and the next try of another process takes it: the jobs move within seconds.
SQLite is the embedded single-process mode: the one process is always the leader."""

from __future__ import annotations

import os
import threading

import structlog
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from otklik.workers.channel_jobs import BackgroundJob, start_jobs

log = structlog.get_logger(__name__)

# Any fixed bigint; "otk lead" in ASCII, so it is recognisable in pg_locks (the schema lock uses its own key).
LEADER_LOCK_KEY = 0x6F746B206C656164


class LeaderLease:
    def __init__(self, engine: Engine, *, retry_seconds: float = 2.0) -> None:
        self._engine = engine
        self._retry_seconds = retry_seconds
        self._connection: Connection | None = None

    @property
    def held(self) -> bool:
        return self._engine.dialect.name == "sqlite" or self._connection is not None

    def refresh(self) -> bool:
        """Take the lease if it is free, or check that ours still stands (its connection answers). True if held."""
        if self._engine.dialect.name == "sqlite":
            return True
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection broke: PostgreSQL released the lock with it
                log.warning("leader.lost")
                self._drop_connection()
        return self._try_acquire()

    def _try_acquire(self) -> bool:
        connection = self._engine.connect()
        try:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK_KEY}).scalar())
            connection.commit()  # no transaction stays open on the lease's connection; the lock is per session
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        # Who leads, for operators and the kill tests: visible in pg_stat_activity on the lease's connection.
        connection.execute(text(f"SET application_name = 'otklik-leader-{os.getpid()}'"))
        connection.commit()
        self._connection = connection
        log.info("leader.acquired", pid=os.getpid())
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LEADER_LOCK_KEY})
                self._connection.commit()
            except Exception:
                log.warning("leader.unlock_failed")
            self._drop_connection()

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()  # never back to the pool: it may still hold the lock
                connection.close()
            except Exception:
                log.debug("leader.close_failed")

    def run_jobs(self, jobs: list[BackgroundJob], stop: threading.Event) -> None:
        """Run `jobs` while this process holds the lease; stop them when it is lost, start them again when won."""
        term: threading.Event | None = None
        threads: list[threading.Thread] = []
        try:
            while not stop.is_set():
                try:
                    leader = self.refresh()
                except Exception:  # the database is away: not the leader until it answers again
                    log.exception("leader.refresh_failed")
                    leader = False
                if leader and term is None:
                    term = threading.Event()
                    threads = start_jobs(jobs, term)
                    log.info("leader.jobs_started", jobs=[job.name for job in jobs])
                elif not leader and term is not None:
                    _stop_term(term, threads)
                    term, threads = None, []
                stop.wait(self._retry_seconds)
        finally:
            if term is not None:
                _stop_term(term, threads)
            self.release()


def _stop_term(term: threading.Event, threads: list[threading.Thread]) -> None:
    term.set()
    for thread in threads:
        thread.join(timeout=10)
    log.info("leader.jobs_stopped")
