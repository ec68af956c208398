"""VK fixtures: the local VK API server, settings pointing at it, and the app with those settings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from otklik.channels.vk.routes import vk_settings
from otklik.channels.vk.settings import VkSettings

from ..loopback import serve
from .fake_vk import TOKEN, FakeVk

SAMPLES = Path(__file__).parents[3] / "src" / "otklik" / "channels" / "vk" / "samples"
GROUP_ID = 212345678


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def fake_vk() -> Iterator[tuple[FakeVk, str]]:
    fake = FakeVk()
    with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
def vk(fake_vk: tuple[FakeVk, str]) -> FakeVk:
    return fake_vk[0]


@pytest.fixture
def settings(fake_vk: tuple[FakeVk, str]) -> VkSettings:
    return VkSettings(
        _env_file=None,
        access_token=SecretStr(TOKEN),
        group_id=GROUP_ID,
        confirmation="a1b2c3d4",
        secret=SecretStr("s3cr3t-key"),
        api_base_url=f"{fake_vk[1]}/method",
        retry_backoff_seconds=0.01,
        rate_per_second=1000,
        poll_owner_ids=[-GROUP_ID],
        owner_municipalities={-GROUP_ID: "34730000"},
    )


@pytest.fixture
def vk_client(client: TestClient, settings: VkSettings) -> TestClient:
    client.app.dependency_overrides[vk_settings] = lambda: settings  # type: ignore[attr-defined]
    return client
