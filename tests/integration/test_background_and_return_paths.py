"""Where notices go when the channel cannot answer, and which background jobs a configured channel brings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from otklik.domain.access import SYSTEM
from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage
from otklik.services.appeals import get_detail
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message
from otklik.workers.channel_jobs import discover_jobs

pytestmark = pytest.mark.db


def _call(ctx: ServiceContext, external_id: str, email: str | None) -> int:
    message = InboundMessage(
        Channel.HOTLINE,
        external_id,
        "Звонок: нет горячей воды в доме на улице Мира в Буе третий день",
        datetime(2026, 11, 27, 9, tzinfo=UTC),
        Author(name="Мария", phone="+79101112233", email=email),
    )
    decision = receive_message(ctx, message)
    assert decision.appeal_id is not None
    return decision.appeal_id


def test_a_caller_with_an_email_gets_notices_by_email(ctx: ServiceContext) -> None:
    deliveries = get_detail(ctx, SYSTEM, _call(ctx, "card-1", "maria@example.org")).deliveries
    assert [(d.channel, d.kind) for d in deliveries] == [("email", "ack")]


def test_a_caller_without_an_email_is_called_back_not_spammed_with_dead_letters(ctx: ServiceContext) -> None:
    detail = get_detail(ctx, SYSTEM, _call(ctx, "card-2", None))
    assert detail.deliveries == []
    assert not [e for e in detail.history if e.type == "delivery_failed"]


def test_background_jobs_follow_the_configuration(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTKLIK_EMAIL_IMAP_HOST", "OTKLIK_VK_ACCESS_TOKEN", "OTKLIK_VK_POLL_OWNER_IDS"):
        monkeypatch.delenv(name, raising=False)
    assert discover_jobs(ctx) == []
    monkeypatch.setenv("OTKLIK_EMAIL_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("OTKLIK_EMAIL_IMAP_USER", "center")
    monkeypatch.setenv("OTKLIK_EMAIL_IMAP_PASSWORD", "secret")
    monkeypatch.setenv("OTKLIK_VK_ACCESS_TOKEN", "token")
    monkeypatch.setenv("OTKLIK_VK_POLL_OWNER_IDS", "[-1, 2]")
    assert sorted(job.name for job in discover_jobs(ctx)) == ["email-imap-poller", "vk-wall-poller"]
