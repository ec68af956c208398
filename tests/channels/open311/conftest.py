"""Open311 fixtures: a configured API key, posting helpers, and the service codes of the rubricator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from open311_support import API_KEY
from pydantic import SecretStr

from otklik.channels.open311.catalog import Catalog
from otklik.channels.open311.settings import load_open311_settings
from otklik.services.context import ServiceContext


@pytest.fixture(autouse=True)
def api_key(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(ctx.settings, "api_key", SecretStr(API_KEY))
    load_open311_settings.cache_clear()
    yield API_KEY
    load_open311_settings.cache_clear()


@pytest.fixture
def pothole_code(ctx: ServiceContext) -> str:
    """The code of «Ямы во дворах»."""
    catalog = Catalog(ctx.reference.rubricator)
    return next(s.code for s in catalog.active() if s.topic.name == "Ямы во дворах")
