"""A worker's CPU per message, split by job, and whether it grows as the database fills (issue 10).

    .venv/bin/python bench/bench_worker_cost.py [--messages 400] [--fill 30000]

In this one process, on a scratch PostgreSQL database, no broker: messages are stored with their outbox rows as the
API stores them, then handled by `handle_events` — the very function an `otklik worker` runs for a broker message —
in batches of EVENTS_PER_MESSAGE: first the `message.received` events (understanding and the decision), then the
`appeal.registered` events (incident linking, the live feed). CPU is measured, not the wall clock (the machine is
shared): this process's CPU (`time.process_time`) per kind of event, and the database's server processes' CPU
(from /proc) over the same stretch.

Two phases with the same number of unique messages: on the fresh database (~0 appeals), then after the database was
filled to `--fill` appeals created within the incident window (72 h), copies of the first phase's appeals and
messages with a unique tail on each text (so no cache of texts helps), plus two finished outbox rows each, as a
stream leaves them. Prints `name: value unit` lines, one set per phase. Bounded: a fixed count of messages, one
scratch database dropped at the end; loopback only.

Run it on HEAD and on a branch alternately (`PYTHONPATH=<other worktree>/src`): the figures compare within a run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine

sys.path.insert(0, str(Path(__file__).parent))
from messages import make_messages
from otklik.adapters.bus.broker import EVENTS_PER_MESSAGE
from otklik.adapters.bus.consumer import handle_events
from otklik.adapters.db.tables.appeals import appeals
from otklik.adapters.db.tables.messages import messages
from otklik.adapters.db.tables.outbox import outbox
from otklik.bootstrap import bootstrap
from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage
from otklik.observability import configure_logging
from otklik.services.context import ServiceContext
from otklik.services.handlers import BATCH_HANDLERS, HANDLERS
from otklik.services.messages import MESSAGE_RECEIVED
from otklik.services.registration import APPEAL_REGISTERED
from otklik.settings import Settings
from scratch_database import scratch_postgresql

FILL_BATCH = 2_000
STATEMENT_SHAPE = 150
TOP_STATEMENTS = 12
SIGNAL_INSERT = (
    "INSERT INTO incident_signals (appeal_id, street, house, lemmas) VALUES (:appeal_id, :street, :house, :lemmas)"
)
WINDOW_HOURS = 70  # the filled appeals are spread over the matcher's 72-hour window


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_cpu(engine: Engine) -> float:
    """CPU so far of the database's server processes serving this database (the bench's own connections)."""
    with engine.connect() as connection:
        pids = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).scalars()
        return sum(_cpu_seconds(int(pid)) for pid in pids)


class StatementClock:
    """Wall time the database took per statement shape (the first words of its SQL), for `--statements`: on a
    shared machine only the ranking is meaningful, not the milliseconds."""

    def __init__(self, engine: Engine) -> None:
        self.spent: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["statement_started"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        shape = " ".join(statement.split())[:STATEMENT_SHAPE]
        self.spent[shape] += time.perf_counter() - conn.info.pop("statement_started", time.perf_counter())
        self.calls[shape] += 1

    def report(self, name: str, messages: int) -> None:
        for shape, seconds in self.spent.most_common(TOP_STATEMENTS):
            calls = self.calls[shape] / messages
            print(f"{name}_statement: {seconds / messages * 1000:6.2f} ms/msg {calls:5.2f} calls/msg  {shape}")
        self.spent.clear()
        self.calls.clear()


def _inbound(prefix: str, index: int, texts: list[str]) -> InboundMessage:
    return InboundMessage(
        channel=Channel.VK,
        external_id=f"{prefix}-{index}",
        text=f"{texts[index % len(texts)]} Обращение {prefix}-{index}.",  # unique: no two are the same text
        created_at=datetime.now(UTC),
        author=Author(name=f"Житель {index}", external_id=f"{prefix}-{index}"),
    )


def _batches(count: int) -> Iterator[range]:
    for start in range(0, count, EVENTS_PER_MESSAGE):
        yield range(start, min(count, start + EVENTS_PER_MESSAGE))


def _pending(ctx: ServiceContext, topic: str) -> list[int]:
    with ctx.uow(readonly=True) as uow:
        return [event.id for event in uow.outbox.pending(10_000) if event.topic == topic]


def _phase(ctx: ServiceContext, engine: Engine, name: str, count: int, texts: list[str]) -> None:
    """Store and handle `count` messages batch by batch; print the CPU per message of each job."""
    decide = link = 0.0
    server_before = _server_cpu(engine)
    for batch in _batches(count):
        with ctx.uow() as uow:  # as the API stores them: the messages and one outbox row each
            ids = uow.messages.add_many([_inbound(name, i, texts) for i in batch], ctx.clock.now())
            payloads = [{"message_id": i} for i in ids if i is not None]
            uow.outbox.add_many(MESSAGE_RECEIVED, payloads, at=ctx.clock.now())
            uow.commit()
        started = time.process_time()
        handle_events(ctx, HANDLERS, BATCH_HANDLERS, _pending(ctx, MESSAGE_RECEIVED))
        decided = time.process_time()
        handle_events(ctx, HANDLERS, BATCH_HANDLERS, _pending(ctx, APPEAL_REGISTERED))
        linked = time.process_time()
        decide += decided - started
        link += linked - decided
    server = _server_cpu(engine) - server_before
    with engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM appeals")).scalar_one()
        linked_count = connection.execute(text("SELECT count(*) FROM incident_members")).scalar_one()
    print(f"{name}_appeals_in_database: {total} count")
    print(f"{name}_incident_members: {linked_count} count")
    print(f"{name}_worker_decide_cpu_per_message: {decide / count * 1000:.2f} ms")
    print(f"{name}_worker_link_cpu_per_message: {link / count * 1000:.2f} ms")
    print(f"{name}_worker_cpu_per_message: {(decide + link) / count * 1000:.2f} ms")
    print(f"{name}_postgres_cpu_per_message: {server / count * 1000:.2f} ms")


def _stored_signals(connection: Connection) -> dict[int, dict[str, Any]] | None:
    """The stored incident signals by appeal, with the copies' tail word; None where the schema has none (HEAD
    before migration 0016)."""
    if not inspect(connection).has_table("incident_signals"):
        return None
    rows = connection.execute(text("SELECT appeal_id, street, house, lemmas FROM incident_signals"))
    return {
        int(row.appeal_id): {"street": row.street, "house": row.house, "lemmas": f"{row.lemmas} копия".strip()}
        for row in rows
    }


def _fill(engine: Engine, target: int, seed: int) -> None:
    """Copies of the stored appeals and their messages until `target` appeals, spread over the incident window."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        base_messages = {row.id: row._asdict() for row in connection.execute(select(messages))}
        base_appeals = [row._asdict() for row in connection.execute(select(appeals))]
        signals = _stored_signals(connection)
        have = len(base_appeals)
        copy = 0
        while have < target:
            chunk = min(FILL_BATCH, target - have)
            message_rows, appeal_rows, bases = [], [], []
            for n in range(chunk):
                copy += 1
                appeal = dict(base_appeals[n % len(base_appeals)])
                bases.append(appeal["id"])
                message = dict(base_messages[appeal["message_id"]])
                tail = f" Копия {copy}."
                at = now - timedelta(hours=rng.uniform(0, WINDOW_HOURS))
                message.pop("id")
                message.update(external_id=f"fill-{copy}", text=message["text"] + tail, received_at=at)
                message.update(processed_at=at, appeal_id=None)
                message_rows.append(message)
                appeal.pop("id")
                appeal.update(number=f"F-{copy}", text=appeal["text"] + tail, created_at=at)
                appeal.update(text_masked=appeal["text_masked"] + tail)
                appeal_rows.append(appeal)
            statement = insert(messages).returning(messages.c.id, sort_by_parameter_order=True)
            ids = [int(i) for i in connection.execute(statement, message_rows).scalars()]
            for appeal, message_id in zip(appeal_rows, ids, strict=True):
                appeal["message_id"] = message_id
            copied = connection.execute(
                insert(appeals).returning(appeals.c.id, sort_by_parameter_order=True), appeal_rows
            ).scalars()
            if signals is not None:  # a linked appeal's signal, as a worker stores it (migration 0016)
                copies = [
                    {**signals[base_id], "appeal_id": int(new_id)}
                    for base_id, new_id in zip(bases, copied, strict=True)
                    if base_id in signals
                ]
                if copies:
                    connection.execute(text(SIGNAL_INSERT), copies)
            finished = [
                {"topic": topic, "payload": {"message_id": i}, "created_at": now, "dispatched_at": now, "attempts": 0}
                for i in ids
                for topic in (MESSAGE_RECEIVED, APPEAL_REGISTERED)
            ]
            connection.execute(insert(outbox), finished)
            have += chunk
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=400, help="messages per phase")
    parser.add_argument("--statements", action="store_true", help="print the statements that took longest")
    parser.add_argument("--fill", type=int, default=30_000, help="appeals in the database for the second phase")
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    print(f"load_average_1min_at_start: {os.getloadavg()[0]:.2f} load")
    texts = make_messages(500, seed=11)
    model_dir = Path(os.environ.get("OTKLIK_MODEL_DIR", "var/models")).resolve()
    with scratch_postgresql("otklik_bench_cost") as url:
        ctx = bootstrap(Settings(database_url=url, model_dir=model_dir, broker_url=None), migrate=True)
        engine = ctx.uow.engine
        try:
            clock = StatementClock(engine) if args.statements else None
            _phase(ctx, engine, "empty", args.messages, texts)
            if clock:
                clock.report("empty", args.messages)
            _fill(engine, args.fill, seed=5)
            if clock:
                clock.report("fill", 1)
            _phase(ctx, engine, "filled", args.messages, texts)
            if clock:
                clock.report("filled", args.messages)
        finally:
            engine.dispose()
    print(f"load_average_1min_at_end: {os.getloadavg()[0]:.2f} load")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
