"""Polling VK walls (the governor's page, listed communities): new posts and comments, with cursors kept in the DB."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from otklik.channels.vk.client import VkClient
from otklik.channels.vk.ingest import ingest
from otklik.channels.vk.mapping import map_comment, map_post
from otklik.channels.vk.settings import VkSettings
from otklik.domain.message import InboundMessage, MessageOutcome
from otklik.services.channel_state import load_cursor, save_cursor
from otklik.services.context import ServiceContext

log = structlog.get_logger(__name__)
CHANNEL = "vk"


@dataclass
class PollReport:
    """What one round saw and did."""

    posts: int = 0
    comments: int = 0
    ingested: int = 0  # messages handed to the system of record (new since the cursor)
    registered: int = 0  # of them, registered as appeals


class VkPoller:
    """One round reads at most `poll_posts` posts per wall and `poll_comments` newest comments per post."""

    def __init__(self, ctx: ServiceContext, settings: VkSettings, client: VkClient | None = None) -> None:
        self._ctx = ctx
        self._settings = settings
        self._client = client or VkClient(settings)

    def poll_once(self) -> PollReport:
        report = PollReport()
        for owner_id in self._settings.poll_owner_ids:
            self._poll_wall(owner_id, report)
        log.info("vk.polled", walls=len(self._settings.poll_owner_ids), **report.__dict__)
        return report

    def _poll_wall(self, owner_id: int, report: PollReport) -> None:
        key = f"wall:{owner_id}"
        seen = int(load_cursor(self._ctx, CHANNEL, key) or 0)
        response = self._client.call("wall.get", owner_id=owner_id, count=self._settings.poll_posts, filter="all")
        posts = [p for p in response.get("items", []) if isinstance(p, Mapping)]
        report.posts += len(posts)
        newest = seen
        for post in sorted(posts, key=lambda p: int(p["id"])):
            post_id = int(post["id"])
            if post_id > seen:
                self._take(map_post(post, self._settings), report)
                newest = max(newest, post_id)
            if int((post.get("comments") or {}).get("count", 0)):
                self._poll_comments(owner_id, post_id, report)
        if newest > seen:
            save_cursor(self._ctx, CHANNEL, key, str(newest))

    def _poll_comments(self, owner_id: int, post_id: int, report: PollReport) -> None:
        key = f"comments:{owner_id}_{post_id}"
        seen = int(load_cursor(self._ctx, CHANNEL, key) or 0)
        response = self._client.call(
            "wall.getComments",
            owner_id=owner_id,
            post_id=post_id,
            count=self._settings.poll_comments,
            sort="desc",
            thread_items_count=10,
        )
        comments = sorted(_with_replies(response.get("items", [])), key=lambda c: int(c["id"]))
        report.comments += len(comments)
        newest = seen
        for comment in comments:
            comment_id = int(comment["id"])
            if comment_id <= seen:
                continue
            self._take(map_comment(comment, owner_id=owner_id, post_id=post_id, settings=self._settings), report)
            newest = comment_id
        if newest > seen:
            save_cursor(self._ctx, CHANNEL, key, str(newest))

    def _take(self, message: InboundMessage | None, report: PollReport) -> None:
        if message is None:
            return
        decision = ingest(self._ctx, message)
        report.ingested += 1
        if decision is not None and decision.outcome is MessageOutcome.REGISTERED:
            report.registered += 1


def _with_replies(items: Any) -> Iterator[Mapping[str, Any]]:
    """Top-level comments and the replies VK nests in their `thread`."""
    for item in items or []:
        if not isinstance(item, Mapping):
            continue
        yield item
        for reply in (item.get("thread") or {}).get("items") or []:
            if isinstance(reply, Mapping):
                yield reply
