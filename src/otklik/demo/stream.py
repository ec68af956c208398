"""Feeds demo messages through the real services, and moves some appeals along as bodies would."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import structlog

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.demo import messages as demo
from otklik.domain import access
from otklik.domain.channels import Channel
from otklik.domain.errors import DomainError
from otklik.domain.message import Author, InboundMessage
from otklik.domain.replies import ReplyKind
from otklik.domain.status import AppealStatus
from otklik.services import appeals as appeal_service
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message

log = structlog.get_logger(__name__)
# The demo's bodies at work: an automatic actor shown by its name in the history.
DEMO_EXECUTOR = access.system("исполнитель (демо)")
_CHANNELS = (Channel.VK, Channel.VK, Channel.TELEGRAM, Channel.PORTAL, Channel.HOTLINE, Channel.EMAIL)


class DemoStream:
    def __init__(self, ctx: ServiceContext, *, seed: int) -> None:
        self._ctx = ctx
        self._random = random.Random(seed)
        self._counter = 0

    def backfill(self, count: int) -> None:
        for _ in range(count):
            self.step()
        log.info("demo.backfilled", count=count)

    def run(self, stop: threading.Event, interval: float) -> None:
        while not stop.wait(interval):
            try:
                self.step()
            except Exception:  # the demo must never take the service down
                log.exception("demo.step_failed")

    def step(self) -> None:
        self._counter += 1
        self._send_message()
        if self._counter % 3 == 0:
            self._advance_one()

    def _send_message(self) -> None:
        r = self._random
        chatter = r.random() < 0.15
        channel = Channel.VK if chatter else r.choice(_CHANNELS)
        text = (
            r.choice(demo.CHATTER)
            if chatter
            else r.choice(demo.APPEALS).format(place=r.choice(demo.PLACES), street=r.choice(demo.STREETS))
        )
        formal = channel is Channel.EMAIL
        author = Author(
            name=f"Житель {r.randint(1, 999)}",
            external_id=str(r.randint(10_000, 99_999)),
            email=f"citizen{r.randint(1, 999)}@example.org" if formal else None,
        )
        now = self._ctx.clock.now()
        message = InboundMessage(
            channel,
            f"demo-{now.timestamp():.0f}-{self._counter}",
            text,
            now - timedelta(minutes=r.randint(0, 90)),
            author,
            formal=formal,
        )
        receive_message(self._ctx, message)

    def _advance_one(self) -> None:
        """Bodies at work: take an assigned appeal into work, answer one, resolve one."""
        r = self._random
        status, kind = r.choice(
            [
                (AppealStatus.ASSIGNED, None),
                (AppealStatus.IN_PROGRESS, ReplyKind.INTERIM),
                (AppealStatus.ANSWERED, ReplyKind.FINAL),
            ]
        )
        items, _ = appeal_service.list_appeals(self._ctx, DEMO_EXECUTOR, AppealFilter(status=status.value, per_page=20))
        if not items or items[-1].id is None:
            return
        appeal_id = items[-1].id
        try:
            if kind is None:
                request = appeal_service.TransitionRequest(AppealStatus.IN_PROGRESS)
                appeal_service.change_status(self._ctx, DEMO_EXECUTOR, appeal_id, request)
            else:
                replies = demo.REPLIES_FINAL if kind is ReplyKind.FINAL else demo.REPLIES_INTERIM
                appeal_service.add_reply(self._ctx, DEMO_EXECUTOR, appeal_id, kind=kind, text=r.choice(replies))
        except DomainError as error:
            log.info("demo.skip", appeal_id=appeal_id, reason=error.reason)
