"""A Telegram message → the inbound message of the citizens' bot (kind «message», answered in the same chat)."""

from __future__ import annotations

from datetime import UTC

from aiogram.types import Message

from otklik.domain.channels import Channel
from otklik.domain.message import Author, InboundMessage

PHOTO_WITHOUT_CAPTION = "Фото без описания"


def to_inbound(
    message: Message, *, phone: str | None = None, point: tuple[float, float] | None = None
) -> InboundMessage | None:
    """Text, or a photo with its caption; `point` is a location sent shortly before, `phone` a shared contact."""
    text = message.text or message.caption
    if not text and message.photo:
        text = PHOTO_WITHOUT_CAPTION
    if not text or not text.strip() or text.startswith("/"):
        return None
    chat_id = message.chat.id
    user = message.from_user
    context: dict[str, object] = {"kind": "private", "chat_id": chat_id, "message_id": message.message_id}
    if message.photo:
        context["photo_file_id"] = message.photo[-1].file_id  # the largest size; fetched with getFile on demand
    return InboundMessage(
        channel=Channel.TELEGRAM_BOT,
        external_id=f"{chat_id}:{message.message_id}",
        text=text.strip(),
        created_at=message.date.astimezone(UTC),
        author=Author(
            name=user.full_name if user else None,
            external_id=str(chat_id),
            phone=phone,
            profile_url=f"https://t.me/{user.username}" if user and user.username else None,
        ),
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        context=context,
    )
