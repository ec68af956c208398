"""What the citizen is told, and where: every notice goes back to the channel the citizen wrote from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from otklik.domain.appeal import Appeal
from otklik.domain.calendar import MOSCOW
from otklik.domain.channels import Channel
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.message import StoredMessage
from otklik.domain.status import AppealStatus, RejectReason
from otklik.services.unit_of_work import UnitOfWork


def recipient_of(stored: StoredMessage) -> dict[str, Any]:
    """Everything a channel needs to answer in place: who wrote, and where (post, comment, chat, thread)."""
    message = stored.message
    return {
        "channel": message.channel.value,
        "external_id": message.external_id,
        "author": asdict(message.author),
        "context": message.context,
        "url": message.url,
    }


def reply_channel(stored: StoredMessage) -> Channel | None:
    """The citizen's own channel; for a call or an imported card, their e-mail if they gave one; else none
    (the operator calls back, and the answer is in the appeal's history)."""
    message = stored.message
    if message.channel.has_return_path:
        return message.channel
    if message.author.email:
        return Channel.EMAIL
    return None


def queue_notice(
    uow: UnitOfWork, appeal: Appeal, stored: StoredMessage, *, kind: str, text: str, key: str, at: datetime
) -> bool:
    assert appeal.id is not None
    channel = reply_channel(stored)
    if channel is None:
        return False
    queued = uow.deliveries.enqueue(
        appeal_id=appeal.id,
        channel=channel.value,
        kind=kind,
        recipient=recipient_of(stored),
        text=text,
        idempotency_key=key,
        at=at,
    )
    if queued:
        uow.appeals.add_event(
            AppealEvent(appeal.id, EventType.NOTIFICATION_QUEUED.value, at, "system", data={"kind": kind, "key": key})
        )
    return queued


@dataclass(frozen=True)
class Notice:
    appeal: Appeal
    stored: StoredMessage
    kind: str
    text: str
    key: str


def queue_notices(uow: UnitOfWork, notices: Sequence[Notice], *, at: datetime) -> None:
    """`queue_notice` for many appeals at once (a worker's batch): one insert for the deliveries, and the
    «notification queued» event of each one queued now (a key seen before — or earlier in the list — is skipped)."""
    wanted: dict[str, tuple[Notice, Channel]] = {}
    for notice in notices:
        channel = reply_channel(notice.stored)
        if channel is not None and notice.key not in wanted:
            wanted[notice.key] = (notice, channel)
    rows = [
        {
            "appeal_id": notice.appeal.id,
            "channel": channel.value,
            "kind": notice.kind,
            "recipient": recipient_of(notice.stored),
            "text": notice.text,
            "idempotency_key": key,
        }
        for key, (notice, channel) in wanted.items()
    ]
    queued = uow.deliveries.enqueue_many(rows, at=at)
    for key, (notice, _) in wanted.items():
        if key in queued:
            assert notice.appeal.id is not None
            data = {"kind": notice.kind, "key": key}
            uow.appeals.add_event(
                AppealEvent(notice.appeal.id, EventType.NOTIFICATION_QUEUED.value, at, "system", data=data)
            )


def status_notice(appeal: Appeal, agency_name: str | None) -> str | None:
    """The citizen hears of changes that matter to them; internal moves (moderation) stay quiet."""
    status = appeal.status_enum
    number = appeal.number
    if status is AppealStatus.ASSIGNED and agency_name:
        return f"Обращение {number} передано на рассмотрение: {agency_name}.{_due(appeal)}"
    if status is AppealStatus.REDIRECTED and agency_name:
        return f"Обращение {number} перенаправлено по компетенции: {agency_name}."
    if status is AppealStatus.REJECTED and appeal.reject_reason == RejectReason.DUPLICATE.value:
        return f"Обращение {number} объединено с ранее поданным обращением о той же проблеме."
    if status is AppealStatus.REOPENED:
        return f"Обращение {number} возвращено в работу."
    return None


def reply_notice(appeal: Appeal, kind: str, text: str) -> str:
    if kind == "final":
        return (
            f"Ответ по обращению {appeal.number}:\n{text}\n\n"
            "Оцените, пожалуйста, ответ от 1 до 5 и напишите, решена ли проблема."
        )
    if kind == "clarification":
        return f"По обращению {appeal.number} нужны уточнения:\n{text}"
    return f"Промежуточный ответ по обращению {appeal.number}:\n{text}"


def _due(appeal: Appeal) -> str:
    if appeal.due_at is None:
        return ""
    return f" Ответ ожидается до {appeal.due_at.astimezone(MOSCOW):%d.%m.%Y %H:%M} (МСК)."
