"""VK objects → inbound messages: ids, context for answering in place, skipping ours and empty ones."""

from __future__ import annotations

from otklik.channels.vk.mapping import map_comment, map_event
from otklik.channels.vk.settings import VkSettings
from otklik.domain.channels import Channel

from .conftest import GROUP_ID, sample

SETTINGS = VkSettings(_env_file=None, group_id=GROUP_ID, owner_municipalities={-GROUP_ID: "34730000"})


def test_wall_reply_keeps_what_the_answer_needs() -> None:
    message = map_event(sample("wall_reply_new"), SETTINGS)
    assert message is not None
    assert message.channel is Channel.VK
    assert message.external_id == f"wall_reply:-{GROUP_ID}_1187_5021"
    assert message.context == {
        "kind": "wall_reply",
        "owner_id": -GROUP_ID,
        "post_id": 1187,
        "comment_id": 5021,
        "from_id": 178901234,
        "municipality_id": "34730000",
    }
    assert message.author.external_id == "178901234"
    assert message.url == f"https://vk.com/wall-{GROUP_ID}_1187?reply=5021"
    assert message.created_at.tzinfo is not None


def test_post_with_point_and_photo() -> None:
    message = map_event(sample("wall_post_new"), SETTINGS)
    assert message is not None
    assert (message.lat, message.lon) == (58.3781, 42.3475)
    assert message.context["photo_urls"] == ["https://sun9-1.userapi.com/w.jpg"]


def test_board_post_and_private_message() -> None:
    board = map_event(sample("board_post_new"), SETTINGS)
    assert board is not None and board.context["kind"] == "board_post" and board.context["group_id"] == GROUP_ID
    private = map_event(sample("message_new"), SETTINGS)
    assert private is not None
    assert private.external_id == "message:178907777_17"
    assert private.context["kind"] == "message" and private.context["peer_id"] == 178907777


def test_our_own_and_empty_comments_are_skipped() -> None:
    comment = sample("wall_reply_new")["object"]
    ours = dict(comment, from_id=-GROUP_ID)
    assert map_comment(ours, owner_id=-GROUP_ID, post_id=1187, settings=SETTINGS) is None
    empty = dict(comment, text="   ")
    assert map_comment(empty, owner_id=-GROUP_ID, post_id=1187, settings=SETTINGS) is None
    assert map_event({"type": "group_join", "object": {}}, SETTINGS) is None
