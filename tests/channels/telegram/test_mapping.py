"""The sample updates are real-shaped: aiogram parses them, and the mapping keeps what answering needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiogram.types import Update

from otklik.channels.telegram.mapping import to_inbound
from otklik.channels.telegram.texts import split_text
from otklik.domain.channels import Channel

SAMPLES = Path(__file__).parents[3] / "src" / "otklik" / "channels" / "telegram" / "samples"


def _message(name: str) -> Update:
    return Update.model_validate(json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8")))


def test_text_update_maps_to_a_bot_message() -> None:
    update = _message("update_text")
    assert update.message is not None
    inbound = to_inbound(update.message, phone="79101234567", point=(58.37, 45.51))
    assert inbound is not None
    assert inbound.channel is Channel.TELEGRAM_BOT
    assert inbound.external_id == "5550001:42"
    assert inbound.author.external_id == "5550001" and inbound.author.phone == "79101234567"
    assert inbound.context == {"kind": "private", "chat_id": 5550001, "message_id": 42}
    assert (inbound.lat, inbound.lon) == (58.37, 45.51)
    assert inbound.created_at.tzinfo is not None


def test_photo_keeps_the_caption_and_the_largest_file() -> None:
    update = _message("update_photo")
    assert update.message is not None
    inbound = to_inbound(update.message)
    assert inbound is not None and inbound.text.startswith("Не горят фонари")
    assert inbound.context["photo_file_id"] == "AgACAgIAAxkBAAIBZ2Vlarge"


@pytest.mark.parametrize("name", ["update_location", "update_contact", "update_callback_rate"])
def test_other_samples_parse_and_are_not_messages_by_themselves(name: str) -> None:
    update = _message(name)
    assert update.message is None or to_inbound(update.message) is None


def test_split_text_keeps_words_and_limits() -> None:
    text = "слово " * 2000
    parts = split_text(text, 4096)
    assert all(len(p) <= 4096 for p in parts) and "".join(parts).replace(" ", "") == text.replace(" ", "")
    assert split_text("коротко", 4096) == ["коротко"]
