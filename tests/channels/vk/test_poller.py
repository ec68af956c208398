"""Polling walls through vk_api against the local VK server: cursors survive a restart, error 6 is retried."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from otklik.channels.vk.client import VkCallError, VkClient
from otklik.channels.vk.poller import VkPoller
from otklik.channels.vk.settings import VkSettings
from otklik.domain.access import SYSTEM
from otklik.services.appeals import list_appeals
from otklik.services.context import ServiceContext

from .conftest import GROUP_ID, sample
from .fake_vk import FakeVk

pytestmark = pytest.mark.db
OWNER = -GROUP_ID


def _load_wall(vk: FakeVk) -> None:
    vk.posts[OWNER] = sample("wall_get")["response"]["items"]
    top = sample("wall_getComments")["response"]["items"][0]
    replies = top.pop("thread")["items"]
    vk.comments[(OWNER, 1187)] = [top, *replies]


def _total(ctx: ServiceContext) -> int:
    from otklik.adapters.db.repositories.appeals import AppealFilter

    return list_appeals(ctx, SYSTEM, AppealFilter())[1]


def test_polling_ingests_new_comments_once_across_restarts(
    ctx: ServiceContext, vk: FakeVk, settings: VkSettings
) -> None:
    _load_wall(vk)
    first = VkPoller(ctx, settings).poll_once()
    assert first.posts == 2 and first.comments == 2
    assert first.ingested == 2  # the comment and the reply in its thread; the community's own posts are not
    assert _total(ctx) >= 1

    restarted = VkPoller(ctx, settings).poll_once()  # a new poller: only the cursor in the database remembers
    assert restarted.ingested == 0
    assert len(vk.calls_of("wall.getComments")) == 2  # the post without comments is never asked for

    vk.comments[(OWNER, 1187)].append(
        {"id": 5030, "from_id": 178909999, "post_id": 1187, "owner_id": OWNER, "parent_stack": [],
         "date": 1764320000, "text": "На улице Ленина в Шарье не убран снег, не пройти"}
    )  # fmt: skip
    assert VkPoller(ctx, settings).poll_once().ingested == 1


def test_error_6_is_retried_with_backoff(ctx: ServiceContext, vk: FakeVk, settings: VkSettings) -> None:
    _load_wall(vk)
    vk.failures["wall.get"] = [6, 6]
    pauses: list[float] = []
    report = VkPoller(ctx, settings, VkClient(settings, sleep=pauses.append)).poll_once()
    assert report.posts == 2
    assert len(vk.calls_of("wall.get")) == 3
    assert pauses == [0.01, 0.02]


def test_retries_are_bounded_and_auth_errors_are_not_retried(vk: FakeVk, settings: VkSettings) -> None:
    vk.failures["wall.get"] = [6, 6, 6, 6, 6]
    client = VkClient(settings, sleep=lambda _: None)
    with pytest.raises(VkCallError) as too_many:
        client.call("wall.get", owner_id=OWNER)
    assert too_many.value.code == 6 and too_many.value.retryable
    assert len(vk.calls_of("wall.get")) == settings.max_retries + 1

    bad = VkClient(settings.model_copy(update={"access_token": SecretStr("nope")}), sleep=lambda _: None)
    with pytest.raises(VkCallError) as denied:
        bad.call("wall.get", owner_id=OWNER)
    assert denied.value.auth and not denied.value.retryable
    assert "nope" not in str(denied.value)
