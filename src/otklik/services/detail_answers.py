"""A citizen's answer to a request for details, arriving in their own channel instead of a new appeal.

The question went out through the appeal's channel (a Telegram chat, a VK comment thread, an e-mail «Уточнение по
обращению № …»), so the citizen answers there: the next message of the same person in the same channel answers it
while the clock is paused. Only the person's own appeals are considered — naming somebody else's number in a
message does not restart another citizen's clock. With several appeals waiting, a number named in the text
(«Re: … (обращение № 44-2026-000123)») picks one; without a number, the latest question is the one answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from otklik.adapters.db.repositories.workflow import WorkflowRepository
from otklik.domain.access import Action, Principal
from otklik.domain.appeal import Appeal
from otklik.domain.channels import Channel
from otklik.domain.errors import Conflict
from otklik.domain.message import InboundMessage
from otklik.services.answers import appeal_in_scope
from otklik.services.clarifications import CITIZEN, resume_clock
from otklik.services.context import ServiceContext
from otklik.services.unit_of_work import UnitOfWork

# Where the citizen talks back to the question in place. The portal has its own answer form and a deliberate
# «Подать обращение»; a hotline card or an import is typed by somebody else: there a message is always new.
ANSWERING_CHANNELS = frozenset({Channel.TELEGRAM, Channel.TELEGRAM_BOT, Channel.VK, Channel.EMAIL})

# An appeal number as domain/numbering.py prints it; boundaries so «144-2026-0001234» is not read as one.
_NUMBER = re.compile(r"(?<!\d)\d{2}-\d{4}-\d{6}(?!\d)")


@dataclass(frozen=True)
class DetailsAnswer:
    appeal: Appeal
    resumed: bool  # False: nothing was waiting any more (already answered), the deadlines stayed as they were


def named_numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def match_details_answer(uow: UnitOfWork, message: InboundMessage) -> Appeal | None:
    """The author's own open appeal, paused for details in this channel, that the message answers; locked."""
    if message.channel not in ANSWERING_CHANNELS:
        return None
    author = message.author
    waiting = uow.appeals.paused_of(message.channel.value, channel_user_id=author.external_id, email=author.email)
    if not waiting:
        return None
    numbers = named_numbers(message.text)
    if numbers:
        # A named number decides; naming only other appeals means the message is about something else.
        return next((appeal for appeal in waiting if appeal.number in numbers), None)
    return waiting[0]


def answer_details(ctx: ServiceContext, uow: UnitOfWork, appeal: Appeal, message: InboundMessage) -> DetailsAnswer:
    """The clock restarts in the caller's transaction; an appeal answered meanwhile (by staff recording a phone
    call, or through the portal) is «already answered»: the message is attached and nothing moves twice."""
    try:
        resume_clock(ctx, uow, appeal, message.text.strip(), actor=CITIZEN.actor)
    except Conflict:
        return DetailsAnswer(appeal, resumed=False)
    return DetailsAnswer(appeal, resumed=True)


def waiting_questions(ctx: ServiceContext, principal: Principal, appeal_id: int) -> list[str]:
    """The questions the citizen has not answered yet, oldest first (the citizen's channel checked ownership);
    the staff's own words sent to the citizen, so no personal data and only the right to read the appeal."""
    with ctx.uow(readonly=True) as uow:
        appeal = appeal_in_scope(uow, principal, appeal_id, action=Action.READ)
        if appeal.clock_paused_at is None:
            return []
        return [r.question for r in WorkflowRepository(uow.session).details_requests_of(appeal_id) if r.waiting]
