"""Accepting messages in batches when a broker decides them (docs/ingestion.md).

The requests in flight at one moment share one transaction: one writer thread takes whatever has queued up (at
most `MAX_BATCH`), stores the messages and their outbox rows with one statement each and one commit, and wakes
the event loop once to answer them all. Under load the per-message cost of a transaction (pool checkout, round
trips, commit, SQLAlchemy's own work) and of a thread hop is paid once per batch; an idle server writes a batch
of one at once, so nothing waits for a timer. A re-delivery, and every message of a batch that failed, is
answered None: the request then goes the one-by-one way (`receive_message`) in its own thread, so a duplicate
that waits for a worker's row lock, or one bad message, holds up nobody else."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import defaultdict
from dataclasses import dataclass

import structlog

from otklik.domain.message import InboundMessage, MessageDecision
from otklik.services.context import ServiceContext
from otklik.services.messages import store_batch, validate_message

log = structlog.get_logger(__name__)

MAX_BATCH = 128

Answer = asyncio.Future[MessageDecision | None]


@dataclass(frozen=True)
class _Pending:
    message: InboundMessage
    answer: Answer


class AcceptBatcher:
    def __init__(self, ctx: ServiceContext, *, max_batch: int = MAX_BATCH) -> None:
        self._ctx = ctx
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None

    async def accept(self, message: InboundMessage) -> MessageDecision | None:
        """Validate now (InvalidInput is raised to the caller), then wait for the batch that stores it: the
        decision, or None when the caller must answer the message with `receive_message`."""
        validate_message(self._ctx, message)
        answer: Answer = asyncio.get_running_loop().create_future()
        self._queue.put(_Pending(message, answer))
        self._ensure_writer()
        return await answer

    def _ensure_writer(self) -> None:
        if self._thread is not None:
            return
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="accept-writer")
                self._thread.start()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(batch)

    def _write(self, batch: list[_Pending]) -> None:
        try:
            decisions: list[MessageDecision | None] = store_batch(self._ctx, [p.message for p in batch])
        except Exception:
            log.warning("accept.batch_failed", size=len(batch), exc_info=True)
            decisions = [None] * len(batch)
        by_loop: defaultdict[asyncio.AbstractEventLoop, list[tuple[Answer, MessageDecision | None]]]
        by_loop = defaultdict(list)
        for pending, decision in zip(batch, decisions, strict=True):
            by_loop[pending.answer.get_loop()].append((pending.answer, decision))
        for loop, answers in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, answers)  # one wake-up of the loop per batch
            except RuntimeError:  # that loop has closed: its requests are gone
                continue


def _resolve(answers: list[tuple[Answer, MessageDecision | None]]) -> None:
    for answer, decision in answers:
        if not answer.done():  # a request whose client went away was cancelled
            answer.set_result(decision)
