"""The accept path of POST /api/v1/messages with a broker (docs/ingestion.md): one short transaction of two
statements, the re-delivery contract without a worker and after one, and the bound a revoked token waits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from channels.loopback import serve
from otklik.adapters.bus.broker import BrokerBus, build_broker
from otklik.adapters.bus.inprocess import InProcessBus
from otklik.clock import FrozenClock
from otklik.domain.access import Principal, PrincipalKind
from otklik.domain.channels import parse_channel
from otklik.services import staff
from otklik.services.bearer_cache import BEARER_CACHE_SECONDS, BearerCache
from otklik.services.context import ServiceContext
from otklik.services.handlers import HANDLERS
from otklik.web.app import create_app
from otklik.web.bearer_lookups import BearerLookups
from staff_support import StaffTeam

pytestmark = pytest.mark.db

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"  # the bus only names it: the API process publishes nothing itself


def _message(external_id: str) -> dict[str, Any]:
    return {
        "channel": "vk",
        "external_id": external_id,
        "text": "В Шарье на улице Ленина, дом 5, третий день не вывозят мусор, контейнеры переполнены",
        "author": {"name": "Ирина", "id": "901"},
        "created_at": "2026-11-27T10:00:00+03:00",
    }


class ManualTimer:
    """The bearer cache's monotonic timer, moved by the test instead of by waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def broker_ctx(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> ServiceContext:
    """The service as `otklik serve` builds it with OTKLIK_BROKER_URL: the API stores and answers, nothing more."""
    monkeypatch.setattr(ctx, "bus", BrokerBus(build_broker(RABBITMQ)))
    return ctx


@pytest.fixture
def broker_client(broker_ctx: ServiceContext) -> Iterator[TestClient]:
    with TestClient(create_app(broker_ctx), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def timer(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> ManualTimer:
    manual = ManualTimer()
    monkeypatch.setattr(ctx, "bearer_cache", BearerCache(timer=manual))
    return manual


def _gateway(ctx: ServiceContext, name: str = "vk-gateway-accept") -> tuple[str, dict[str, str]]:
    token, _ = staff.create_token(ctx, name, ["messages:vk"])
    return name, {"Authorization": f"Bearer {token}"}


def test_a_new_message_is_one_short_transaction(broker_ctx: ServiceContext, broker_client: TestClient) -> None:
    """Two statements (the message, its outbox row); on PostgreSQL one statement of fixed text does both."""
    _, headers = _gateway(broker_ctx)
    assert broker_client.post("/api/v1/messages", json=_message("accept-warm"), headers=headers).status_code == 202
    statements: list[str] = []
    commits: list[int] = []
    engine = broker_ctx.uow.engine

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        words = " ".join(statement.split()[:3]).lower()
        if not words.startswith("begin"):  # SQLite's BEGIN IMMEDIATE (adapters/db/engine.py) opens, not a statement
            statements.append(words)

    def on_commit(_conn: Any) -> None:
        commits.append(1)

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        posted = broker_client.post("/api/v1/messages", json=_message("accept-1"), headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
    assert posted.status_code == 202, posted.text
    assert posted.json()["decision"] == "queued"
    assert posted.headers["location"] == f"/api/v1/messages/{posted.json()['message_id']}"
    # The token was resolved a moment ago: no token or session lookup, no read-back of the message.
    one_statement = broker_ctx.uow.engine.dialect.name == "postgresql"  # adapters/db/repositories/message_batch_pg.py
    expected = ["with incoming as"] if one_statement else ["insert into messages", "insert into outbox"]
    assert statements == expected, statements
    assert len(commits) == 1
    with broker_ctx.uow(readonly=True) as uow:
        stored = uow.messages.get(posted.json()["message_id"])
        announced = [e.payload for e in uow.outbox.pending(10) if e.topic == "message.received"]
    assert stored is not None and stored.message.external_id == "accept-1"
    assert stored.message.author.name == "Ирина" and stored.message.author.external_id == "901"
    assert stored.message.created_at == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert stored.message.context == {} and stored.message.attachments == () and stored.message.lat is None
    assert {"message_id": stored.id} in announced


def test_a_redelivery_names_the_same_message_before_and_after_a_worker_decided(
    broker_ctx: ServiceContext, broker_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, headers = _gateway(broker_ctx)
    first = broker_client.post("/api/v1/messages", json=_message("accept-again"), headers=headers)
    again = broker_client.post("/api/v1/messages", json=_message("accept-again"), headers=headers)
    assert again.status_code == 202, again.text
    assert again.headers["location"] == first.headers["location"]
    assert again.json()["message_id"] == first.json()["message_id"]
    assert again.json()["decision"] == "duplicate" and again.json()["appeal_number"] is None  # nobody decided yet
    with broker_ctx.uow(readonly=True) as uow:
        assert len(uow.outbox.pending(100)) == 1, "a re-delivery must not announce the message twice"

    monkeypatch.setattr(broker_ctx, "bus", InProcessBus(broker_ctx, HANDLERS))
    broker_ctx.bus.after_commit()  # what a worker does: the handlers on the outbox row
    decided = broker_client.get(first.headers["location"], headers=headers).json()
    assert decided["decision"] == "registered" and decided["appeal_number"]
    third = broker_client.post("/api/v1/messages", json=_message("accept-again"), headers=headers).json()
    assert (third["message_id"], third["appeal_id"], third["appeal_number"]) == (
        decided["message_id"],
        decided["appeal_id"],
        decided["appeal_number"],
    )


def test_a_token_revoked_elsewhere_stops_working_within_the_bound(
    ctx: ServiceContext, client: TestClient, timer: ManualTimer
) -> None:
    name, headers = _gateway(ctx)
    assert client.post("/api/v1/messages", json=_message("revoke-1"), headers=headers).status_code == 202
    with ctx.uow() as uow:  # another process (`otklik tokens revoke`, another replica) revokes it
        assert uow.staff.revoke_token(name, ctx.clock.now())
        uow.commit()
    timer.now += BEARER_CACHE_SECONDS - 0.5
    assert client.post("/api/v1/messages", json=_message("revoke-2"), headers=headers).status_code == 202
    timer.now += 0.5
    refused = client.post("/api/v1/messages", json=_message("revoke-3"), headers=headers)
    assert refused.status_code == 401, refused.text


def test_a_token_revoked_in_this_process_stops_at_once(
    ctx: ServiceContext, client: TestClient, timer: ManualTimer
) -> None:
    name, headers = _gateway(ctx)
    assert client.post("/api/v1/messages", json=_message("revoke-here-1"), headers=headers).status_code == 202
    staff.revoke_token(ctx, name)
    assert client.post("/api/v1/messages", json=_message("revoke-here-2"), headers=headers).status_code == 401


def test_a_remembered_staff_session_still_ends_at_its_expiry(
    ctx: ServiceContext, staff_team: StaffTeam, timer: ManualTimer
) -> None:
    token = staff_team.token("admin")
    clock = FrozenClock(datetime.now(UTC))
    ctx.clock = clock  # the ctx fixture puts the system clock back
    assert staff.principal_of_bearer(ctx, token) is not None
    assert staff.remembered_principal(ctx, token) is not None
    clock.advance(minutes=ctx.settings.access_token_minutes + 1)
    assert staff.remembered_principal(ctx, token) is None
    assert staff.principal_of_bearer(ctx, token) is None


def test_concurrent_senders_share_batches_and_every_key_is_stored_once(broker_ctx: ServiceContext) -> None:
    """Real HTTP, 16 threads: 60 distinct messages, each sent twice at once, so copies meet in one batch and across."""
    _, headers = _gateway(broker_ctx)
    keys = [f"batch-{i}" for i in range(60)]
    sent = [key for key in keys for _copy in (1, 2)]  # the two copies of a key leave together
    with (
        serve(create_app(broker_ctx)) as url,
        httpx.Client(base_url=url, headers=headers, timeout=30) as http,
        ThreadPoolExecutor(max_workers=16) as pool,
    ):
        answers = list(pool.map(lambda key: http.post("/api/v1/messages", json=_message(key)), sent))
    assert all(a.status_code == 202 for a in answers), [a.text for a in answers if a.status_code != 202][:3]
    ids: dict[str, set[int]] = {}
    for key, answer in zip(sent, answers, strict=True):
        ids.setdefault(key, set()).add(answer.json()["message_id"])
        assert answer.headers["location"] == f"/api/v1/messages/{answer.json()['message_id']}"
    assert all(len(found) == 1 for found in ids.values()), "a re-delivery got another message id"
    assert sorted(a.json()["decision"] for a in answers).count("queued") == len(keys)
    with broker_ctx.uow(readonly=True) as uow:
        events = uow.outbox.pending(1000)
    announced = sorted(int(e.payload["message_id"]) for e in events if e.topic == "message.received")
    assert announced == sorted(found.pop() for found in ids.values()), "each message announced exactly once"


def test_a_refused_message_in_broker_mode_is_a_422_and_stores_nothing(
    broker_ctx: ServiceContext, broker_client: TestClient
) -> None:
    _, headers = _gateway(broker_ctx)
    refused = broker_client.post("/api/v1/messages", json={**_message("refused-1"), "lat": 57.7}, headers=headers)
    assert refused.status_code == 422 and "lon" in refused.json()["detail"], refused.text
    with broker_ctx.uow(readonly=True) as uow:
        assert uow.messages.get_by_key(parse_channel("vk"), "refused-1") is None
        assert uow.outbox.pending(10) == []


def _token_lookups(engine: Any) -> tuple[list[str], Any]:
    """The statements that look a bearer token up (its session or its integration token), as they run."""
    found: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "token_hash" in statement and statement.lstrip().lower().startswith("select"):
            found.append(statement)

    event.listen(engine, "before_cursor_execute", on_statement)
    return found, on_statement


def test_requests_that_miss_the_memory_together_share_one_lookup(ctx: ServiceContext) -> None:
    """When a remembered token's bound ends, every request in flight misses at once: one lookup, not one each."""
    _, headers = _gateway(ctx)
    token = headers["Authorization"].split()[1]
    ctx.bearer_cache.clear()
    lookups = BearerLookups()
    found, listener = _token_lookups(ctx.uow.engine)

    async def together() -> list[Principal | None]:
        return await asyncio.gather(*(lookups.resolve(ctx, token) for _ in range(20)))

    try:
        principals = asyncio.run(together())
    finally:
        event.remove(ctx.uow.engine, "before_cursor_execute", listener)
    assert all(p is not None and p.name == "vk-gateway-accept" for p in principals)
    assert 1 <= len(found) <= 2, found  # one lookup: its session query, then its integration-token query


def test_a_token_in_use_is_refreshed_ahead_of_its_bound(
    ctx: ServiceContext, client: TestClient, timer: ManualTimer
) -> None:
    """A gateway that posts without pause never meets an expired entry: in the last second of the bound the
    remembered principal answers and a lookup in the background renews it."""
    _, headers = _gateway(ctx)
    hashed = staff.token_hash(headers["Authorization"].split()[1])
    assert client.post("/api/v1/messages", json=_message("ahead-1"), headers=headers).status_code == 202
    timer.now += BEARER_CACHE_SECONDS - ctx.bearer_cache.refresh_ahead / 2
    assert ctx.bearer_cache.refresh_due(hashed)
    assert client.post("/api/v1/messages", json=_message("ahead-2"), headers=headers).status_code == 202
    deadline = time.monotonic() + 10
    while ctx.bearer_cache.refresh_due(hashed) and time.monotonic() < deadline:  # the refresh runs in the pool
        time.sleep(0.01)
    assert not ctx.bearer_cache.refresh_due(hashed), "no refresh ahead of the bound"
    timer.now += ctx.bearer_cache.refresh_ahead  # past the first entry's bound: the renewed one answers
    found, listener = _token_lookups(ctx.uow.engine)
    try:
        assert client.post("/api/v1/messages", json=_message("ahead-3"), headers=headers).status_code == 202
    finally:
        event.remove(ctx.uow.engine, "before_cursor_execute", listener)
    assert found == [], "the request waited for a lookup although the token was refreshed ahead"


def test_a_lookup_that_began_before_a_revocation_here_does_not_bring_the_token_back(ctx: ServiceContext) -> None:
    principal = Principal(PrincipalKind.TOKEN, "vk-gateway-race", scopes=frozenset({"messages:vk"}))
    generation = ctx.bearer_cache.generation  # a lookup reads this, then the database …
    ctx.bearer_cache.clear()  # … a revocation in this process commits and forgets every token …
    ctx.bearer_cache.put("hash-of-the-token", principal, generation=generation)  # … then the lookup answers
    assert ctx.bearer_cache.get("hash-of-the-token", ctx.clock.now()) is None
    ctx.bearer_cache.put("hash-of-the-token", principal, generation=ctx.bearer_cache.generation)
    assert ctx.bearer_cache.get("hash-of-the-token", ctx.clock.now()) == principal


def test_a_refresh_that_finds_the_token_revoked_forgets_it_before_the_bound(
    ctx: ServiceContext, client: TestClient, timer: ManualTimer
) -> None:
    name, headers = _gateway(ctx)
    token = headers["Authorization"].split()[1]
    assert client.post("/api/v1/messages", json=_message("refresh-revoked-1"), headers=headers).status_code == 202
    with ctx.uow() as uow:  # revoked in another process: this one still remembers the token
        assert uow.staff.revoke_token(name, ctx.clock.now())
        uow.commit()
    assert staff.remembered_principal(ctx, token) is not None
    assert staff.principal_of_bearer(ctx, token, fresh=True) is None
    assert staff.remembered_principal(ctx, token) is None
    assert client.post("/api/v1/messages", json=_message("refresh-revoked-2"), headers=headers).status_code == 401
