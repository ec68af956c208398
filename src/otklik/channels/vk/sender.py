"""Answers in VK: a reply under the citizen's comment (wall.createComment), or a private message (messages.send)."""

from __future__ import annotations

import hashlib
from typing import Any

from otklik.channels.vk.client import VkCallError, VkClient
from otklik.channels.vk.formatting import split_text
from otklik.channels.vk.settings import VkSettings
from otklik.notify.sender import OutboundNotice, PermanentDeliveryError, TransientDeliveryError
from otklik.settings import Settings


class VkSender:
    channel = "vk"
    # VK drops a repeat with the same random_id / guid, so an interrupted send may safely be resent.
    deduplicates = True

    def __init__(self, settings: VkSettings, client: VkClient | None = None) -> None:
        self._settings = settings
        self._client = client or VkClient(settings)
        self.rate_per_second = settings.rate_per_second

    def send(self, notice: OutboundNotice) -> str | None:
        context: dict[str, Any] = dict(notice.recipient.get("context") or {})
        kind = context.get("kind")
        try:
            if kind == "message":
                return self._message(notice, context)
            if kind in ("wall_reply", "wall_post"):
                return self._wall_comment(notice, context)
            if kind == "board_post":
                return self._board_comment(notice, context)
        except VkCallError as error:
            if error.retryable:
                raise TransientDeliveryError(str(error)) from None
            raise PermanentDeliveryError(str(error)) from None
        raise PermanentDeliveryError(f"the VK message has no place to answer in (kind {kind!r})")

    def _wall_comment(self, notice: OutboundNotice, context: dict[str, Any]) -> str:
        """Answer under the post, as a reply to the citizen's comment; `guid` lets VK drop a repeated call."""
        ids = []
        for index, part in enumerate(split_text(notice.text, self._settings.comment_max_length)):
            response = self._client.call(
                "wall.createComment",
                owner_id=context["owner_id"],
                post_id=context["post_id"],
                from_group=self._settings.group_id,
                reply_to_comment=context.get("comment_id"),
                message=part,
                guid=_guid(notice.idempotency_key, index),
            )
            ids.append(str(response["comment_id"]))
        return ",".join(ids)

    def _board_comment(self, notice: OutboundNotice, context: dict[str, Any]) -> str:
        ids = []
        for index, part in enumerate(split_text(notice.text, self._settings.comment_max_length)):
            response = self._client.call(
                "board.createComment",
                group_id=context["group_id"],
                topic_id=context["topic_id"],
                from_group=1,
                message=part,
                guid=_guid(notice.idempotency_key, index),
            )
            ids.append(str(response))
        return ",".join(ids)

    def _message(self, notice: OutboundNotice, context: dict[str, Any]) -> str:
        """A private message; `random_id` derived from the idempotency key makes VK itself drop a repeat."""
        ids = []
        for index, part in enumerate(split_text(notice.text, self._settings.message_max_length)):
            response = self._client.call(
                "messages.send",
                peer_id=context["peer_id"],
                random_id=random_id(notice.idempotency_key, index),
                message=part,
            )
            ids.append(str(response))
        return ",".join(ids)


def random_id(idempotency_key: str, part: int = 0) -> int:
    """A stable positive int32 for messages.send: the same notice part always gets the same id."""
    digest = hashlib.sha256(f"{idempotency_key}#{part}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _guid(idempotency_key: str, part: int) -> str:
    return hashlib.sha256(f"{idempotency_key}#{part}".encode()).hexdigest()[:32]


def build_sender(settings: Settings) -> VkSender | None:
    """The VK sender when a community token is set (OTKLIK_VK_ACCESS_TOKEN); None leaves VK without answers."""
    vk_settings = VkSettings()
    if not vk_settings.configured:
        return None
    return VkSender(vk_settings)
