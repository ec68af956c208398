"""The channels a message may come from, and the appeal kind each channel yields by default."""

from __future__ import annotations

from enum import StrEnum

from otklik.domain.appeal_kind import AppealKind
from otklik.domain.errors import InvalidInput


class Channel(StrEnum):
    """Every inbound channel Otklik knows; an unknown channel is refused at the edge."""

    VK = "vk"
    TELEGRAM = "telegram"
    TELEGRAM_BOT = "telegram_bot"
    PORTAL = "portal"
    HOTLINE = "hotline"
    EMERGENCY_112 = "112"
    EMAIL = "email"
    OPEN311 = "open311"
    IM_IMPORT = "im_import"
    TABLE_IMPORT = "table_import"
    DEMO = "demo"

    @property
    def has_return_path(self) -> bool:
        """Whether Otklik can answer in this channel itself; a phone call or an imported card cannot."""
        return self not in (
            Channel.HOTLINE,
            Channel.EMERGENCY_112,
            Channel.IM_IMPORT,
            Channel.TABLE_IMPORT,
            Channel.DEMO,
        )

    @property
    def is_public_social(self) -> bool:
        """Public social media: messages there need the is-it-an-appeal check."""
        return self in (Channel.VK, Channel.TELEGRAM, Channel.IM_IMPORT, Channel.DEMO)


# Public posts are incidents (not 59-ФЗ appeals); portal, bot and phone are ПОС-like messages.
_DEFAULT_KIND: dict[Channel, AppealKind] = {
    Channel.VK: AppealKind.INCIDENT,
    Channel.TELEGRAM: AppealKind.INCIDENT,
    Channel.IM_IMPORT: AppealKind.INCIDENT,
    Channel.DEMO: AppealKind.INCIDENT,
    Channel.TELEGRAM_BOT: AppealKind.MESSAGE,
    Channel.PORTAL: AppealKind.MESSAGE,
    Channel.HOTLINE: AppealKind.MESSAGE,
    Channel.EMERGENCY_112: AppealKind.MESSAGE,
    Channel.OPEN311: AppealKind.MESSAGE,
    Channel.TABLE_IMPORT: AppealKind.MESSAGE,
    Channel.EMAIL: AppealKind.APPEAL_59FZ,
}


def default_kind(channel: Channel, *, identified_citizen: bool) -> AppealKind:
    """The kind of appeal a channel yields; a 59-ФЗ appeal needs an identified citizen (name + contact)."""
    kind = _DEFAULT_KIND[channel]
    if kind is AppealKind.APPEAL_59FZ and not identified_citizen:
        return AppealKind.MESSAGE
    return kind


def parse_channel(value: str) -> Channel:
    """The channel named by value, or a clear error listing the known ones."""
    try:
        return Channel(value)
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise InvalidInput(f"unknown channel {value!r}; known channels: {known}") from None
