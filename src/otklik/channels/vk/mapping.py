"""VK objects (Callback API events, wall.get / wall.getComments items) → the inbound message."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from otklik.channels.vk.settings import VkSettings
from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage

# Callback API event types that may carry a citizen's message.
EVENT_TYPES = frozenset({"wall_reply_new", "wall_post_new", "board_post_new", "message_new"})


def map_event(event: Mapping[str, Any], settings: VkSettings) -> InboundMessage | None:
    """The message of a Callback API event, or None for events we do not take (ours, empty, other types)."""
    kind = event.get("type")
    obj = event.get("object") or {}
    if kind == "wall_reply_new":
        owner_id = int(obj.get("owner_id", obj.get("post_owner_id", 0)))
        return map_comment(obj, owner_id=owner_id, post_id=int(obj.get("post_id", 0)), settings=settings)
    if kind == "wall_post_new":
        return map_post(obj, settings)
    if kind == "board_post_new":
        return map_board_post(obj, settings)
    if kind == "message_new":
        return map_private_message(obj.get("message", obj), settings)
    return None


def map_comment(
    comment: Mapping[str, Any], *, owner_id: int, post_id: int, settings: VkSettings
) -> InboundMessage | None:
    """A comment under a wall post; replies in a thread carry their parent in `parent_stack`."""
    from_id = int(comment.get("from_id", 0))
    text = _text(comment)
    if not text or _is_ours(from_id, owner_id, settings) or comment.get("deleted"):
        return None
    comment_id = int(comment["id"])
    url = f"https://vk.com/wall{owner_id}_{post_id}?reply={comment_id}"
    parents = comment.get("parent_stack") or []
    if parents:
        url += f"&thread={parents[0]}"
    context = {"kind": "wall_reply", "owner_id": owner_id, "post_id": post_id, "comment_id": comment_id}
    return _message(f"wall_reply:{owner_id}_{post_id}_{comment_id}", comment, text, url, context, owner_id, settings)


def map_post(post: Mapping[str, Any], settings: VkSettings) -> InboundMessage | None:
    """A post on a wall by someone else than the wall's owner (a suggested post, a post on an open wall)."""
    owner_id = int(post.get("owner_id", 0))
    from_id = int(post.get("from_id", post.get("signer_id", owner_id)))
    text = _text(post)
    if not text or _is_ours(from_id, owner_id, settings) or post.get("post_type") == "suggest":
        return None
    post_id = int(post["id"])
    context = {"kind": "wall_post", "owner_id": owner_id, "post_id": post_id}
    url = f"https://vk.com/wall{owner_id}_{post_id}"
    return _message(f"wall_post:{owner_id}_{post_id}", post, text, url, context, owner_id, settings)


def map_board_post(post: Mapping[str, Any], settings: VkSettings) -> InboundMessage | None:
    """A comment in a discussion board topic of a community."""
    owner_id = int(post.get("topic_owner_id", 0))
    from_id = int(post.get("from_id", 0))
    text = _text(post)
    if not text or _is_ours(from_id, owner_id, settings):
        return None
    topic_id, comment_id = int(post.get("topic_id", 0)), int(post["id"])
    context = {"kind": "board_post", "group_id": abs(owner_id), "topic_id": topic_id, "comment_id": comment_id}
    url = f"https://vk.com/topic{owner_id}_{topic_id}?post={comment_id}"
    return _message(f"board_post:{owner_id}_{topic_id}_{comment_id}", post, text, url, context, owner_id, settings)


def map_private_message(message: Mapping[str, Any], settings: VkSettings) -> InboundMessage | None:
    """A private message to our community; the answer goes back with messages.send to the same peer."""
    from_id = int(message.get("from_id", 0))
    text = _text(message)
    if not text or message.get("out") or _is_ours(from_id, 0, settings):
        return None
    peer_id = int(message.get("peer_id", from_id))
    local_id = message.get("conversation_message_id") or message.get("id")
    context = {"kind": "message", "peer_id": peer_id, "message_id": int(message.get("id", 0))}
    owner_id = -settings.group_id if settings.group_id else 0
    return _message(f"message:{peer_id}_{local_id}", message, text, None, context, owner_id, settings)


def _message(
    external_id: str,
    obj: Mapping[str, Any],
    text: str,
    url: str | None,
    context: dict[str, Any],
    owner_id: int,
    settings: VkSettings,
) -> InboundMessage:
    from_id = int(obj.get("from_id", 0))
    context["from_id"] = from_id
    municipality = settings.owner_municipalities.get(owner_id)
    if municipality:
        context["municipality_id"] = municipality
    photos = _photo_urls(obj)
    if photos:
        context["photo_urls"] = photos
    lat, lon = _point(obj.get("geo"))
    return InboundMessage(
        channel=Channel.VK,
        external_id=external_id,
        text=text,
        created_at=datetime.fromtimestamp(int(obj.get("date", 0)), UTC),
        author=Author(external_id=str(from_id), profile_url=_profile_url(from_id)),
        url=url,
        lat=lat,
        lon=lon,
        context=context,
    )


def _text(obj: Mapping[str, Any]) -> str:
    return str(obj.get("text") or "").strip()


def _is_ours(from_id: int, owner_id: int, settings: VkSettings) -> bool:
    """Our own community's comments are our answers; a wall owner's own posts and replies are not appeals."""
    if settings.group_id and from_id == -settings.group_id:
        return True
    return owner_id != 0 and from_id == owner_id


def _profile_url(from_id: int) -> str | None:
    if from_id > 0:
        return f"https://vk.com/id{from_id}"
    if from_id < 0:
        return f"https://vk.com/club{-from_id}"
    return None


def _point(geo: Any) -> tuple[float | None, float | None]:
    """VK gives a post's point as "lat lon" and a message's as {"latitude", "longitude"}."""
    if not isinstance(geo, Mapping):
        return None, None
    coordinates = geo.get("coordinates")
    try:
        if isinstance(coordinates, str):
            lat_text, lon_text = coordinates.split()
            return float(lat_text), float(lon_text)
        if isinstance(coordinates, Mapping):
            return float(coordinates["latitude"]), float(coordinates["longitude"])
    except (KeyError, TypeError, ValueError):
        pass
    return None, None


def _photo_urls(obj: Mapping[str, Any]) -> list[str]:
    """The largest size of every attached photo (the bytes stay in VK; the moderator opens the link)."""
    urls = []
    for attachment in obj.get("attachments") or []:
        photo = attachment.get("photo") if isinstance(attachment, Mapping) else None
        sizes = (photo or {}).get("sizes") or []
        if sizes:
            best = max(sizes, key=lambda s: int(s.get("width", 0)) * int(s.get("height", 0)))
            if best.get("url"):
                urls.append(str(best["url"]))
    return urls
