"""Shared fixtures: a real database (SQLite file, or PostgreSQL with OTKLIK_TEST_DATABASE=postgresql),
a service context built by the real bootstrap, an HTTP client and a live server on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from channels.loopback import serve  # tests/ is on sys.path: the shared loopback server
from database_support import fresh_database
from otklik.adapters.db.repositories.appeal_numbers import reset_numbers
from otklik.bootstrap import bootstrap
from otklik.clock import SystemClock
from otklik.observability import configure_logging
from otklik.services.context import ServiceContext
from otklik.services.learning import load_correction_memory
from otklik.settings import Settings
from otklik.web.app import create_app
from staff_support import StaffTeam

# Tables that hold what happens (not reference data): emptied before each test.
configure_logging()  # the service's own log format in tests too (plain tracebacks, no local variables)

RUNTIME_TABLES = (
    "analytics_rollup_hours_pending",
    "analytics_rollup_pending",
    "analytics_rollup_hours",
    "analytics_rollup",
    "spike_alerts",
    "incident_signals",
    "incident_members",
    "incidents",
    "answer_attachments",
    "detail_requests",
    "deadline_extensions",
    "answer_drafts",
    "deadline_reminders",
    "portal_attachments",
    "portal_submissions",
    "portal_sessions",
    "portal_accounts",
    "deliveries",
    "outbox",
    "ratings",
    "replies",
    "appeal_events",
    "appeals",
    # after the appeals: on SQLite the assignee's key has no ON DELETE SET NULL (migration 0009 rebuilt the table)
    "staff_sessions",
    "login_failures",
    "api_tokens",
    "staff_users",
    "messages",
    "citizens",
    "number_sequences",
    "channel_state",
)


def pytest_report_header() -> str:
    return f"otklik database: {os.environ.get('OTKLIK_TEST_DATABASE', 'sqlite')}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this test run: a new SQLite file, or a new PostgreSQL database dropped after."""
    with fresh_database("otklik_test", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def base_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # bcrypt cost 4 in tests: the same code path, a thousandth of the time.
    return Settings(
        database_url=database_url,
        model_dir=Path(os.environ.get("OTKLIK_MODEL_DIR", "var/models")),
        password_rounds=4,
    )


@pytest.fixture(scope="session")
def session_ctx(base_settings: Settings) -> ServiceContext:
    """Built once (migrations, seed, models); each test gets it with runtime tables emptied."""
    return bootstrap(base_settings)


@pytest.fixture
def ctx(session_ctx: ServiceContext) -> Iterator[ServiceContext]:
    _empty_runtime_tables(session_ctx)
    load_correction_memory(session_ctx)  # the engine's memory of corrections follows the emptied history
    session_ctx.clock = SystemClock()
    yield session_ctx
    session_ctx.clock = SystemClock()


def _empty_runtime_tables(ctx: ServiceContext) -> None:
    engine = ctx.uow.engine
    with engine.begin() as connection:
        for table in RUNTIME_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
        reset_numbers(connection)  # on PostgreSQL the counters are sequences, which no DELETE reaches


@pytest.fixture
def staff_team(ctx: ServiceContext) -> StaffTeam:
    """One signed-in person per role (and a foreign district and body), created through the real services."""
    return StaffTeam(ctx)


@pytest.fixture
def client(ctx: ServiceContext, staff_team: StaffTeam) -> Iterator[TestClient]:
    """The service as the center's administrator sees it: most tests exercise what the system does for a person
    with every right. Access itself is tested with `anonymous_client` and `staff_team`'s per-role tokens; posting
    messages needs a gateway token (`staff_team.gateway`)."""
    app = create_app(ctx)
    with TestClient(app, raise_server_exceptions=False, headers=staff_team.headers("admin")) as test_client:
        yield test_client


@pytest.fixture
def anonymous_client(ctx: ServiceContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def live_server(ctx: ServiceContext) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1, for tests that need real HTTP and real concurrency."""
    with serve(create_app(ctx)) as url:
        yield url
