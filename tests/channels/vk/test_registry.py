"""The delivery worker finds the VK and Telegram senders only when their tokens are configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from otklik.notify.registry import discover_senders
from otklik.settings import Settings


def test_senders_are_discovered_only_when_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working directory
    for name in ("OTKLIK_VK_ACCESS_TOKEN", "OTKLIK_TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    found = discover_senders(settings)
    assert "vk" not in found and "telegram_bot" not in found
    monkeypatch.setenv("OTKLIK_VK_ACCESS_TOKEN", "vk-token")
    monkeypatch.setenv("OTKLIK_TELEGRAM_BOT_TOKEN", "123456789:AAHfakeTokenForLocalTestsOnly_0123456")
    found = discover_senders(settings)
    assert found["vk"].channel == "vk" and found["telegram_bot"].channel == "telegram_bot"
    assert "vk-token" not in repr(found["vk"].__dict__)
