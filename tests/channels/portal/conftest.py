"""Portal fixtures: fast password hashing, photos in a temporary folder, portal tables emptied per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from otklik.channels.portal.settings import load_portal_settings
from otklik.services.context import ServiceContext

PORTAL_TABLES = ("portal_attachments", "portal_submissions", "portal_sessions", "portal_accounts")


@pytest.fixture(autouse=True)
def portal_env(ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OTKLIK_PORTAL_PASSWORD_HASH_ROUNDS", "4")
    monkeypatch.setenv("OTKLIK_PORTAL_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    monkeypatch.setenv("OTKLIK_PORTAL_MAX_FILE_BYTES", "100000")
    load_portal_settings.cache_clear()
    with ctx.uow.engine.begin() as connection:
        for table in PORTAL_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
    yield tmp_path / "attachments"
    load_portal_settings.cache_clear()
