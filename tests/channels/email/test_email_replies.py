"""Answers over a real SMTP server (aiosmtpd): threaded under the citizen's letter, in Russian, exactly once."""

from __future__ import annotations

import threading

import pytest
from mail_samples import sample
from mail_servers import Dovecot, SmtpServer

from otklik.channels.email.imap_poller import ImapPoller
from otklik.channels.email.letters import message_id_for
from otklik.channels.email.sender import EmailSender, build_sender
from otklik.channels.email.settings import EmailSettings
from otklik.domain.access import SYSTEM
from otklik.domain.channels import Channel
from otklik.domain.replies import ReplyKind
from otklik.notify.worker import DeliveryWorker
from otklik.services.appeals import add_reply, get_detail
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db


def _registered_appeal(ctx: ServiceContext, dovecot: Dovecot, settings: EmailSettings) -> int:
    dovecot.append(settings.imap_mailbox, sample("koi8r_plain.eml"))
    assert ImapPoller(ctx, settings).poll_once().registered == 1
    with ctx.uow(readonly=True) as uow:
        stored = uow.messages.get_by_key(Channel.EMAIL, "koi8r-0001@example.ru")
    assert stored is not None and stored.appeal_id is not None
    return stored.appeal_id


def test_acknowledgement_and_answer_arrive_threaded_exactly_once(
    ctx: ServiceContext, dovecot: Dovecot, smtp_server: SmtpServer, email_settings: EmailSettings
) -> None:
    appeal_id = _registered_appeal(ctx, dovecot, email_settings)
    workers = [DeliveryWorker(ctx, {"email": EmailSender(email_settings)}) for _ in range(2)]
    workers[0].run_once()
    workers[0].run_once()
    workers[1].run_once()
    letters = smtp_server.handler.letters
    assert len(letters) >= 1 and all(
        letter["To"].addresses[0].addr_spec == "ivan.petrov@example.ru" for letter in letters
    )
    ack = letters[0]
    number = get_detail(ctx, SYSTEM, appeal_id).appeal.number
    assert ack["Subject"] == f"Re: Яма на улице Советской (обращение № {number})"
    assert ack["In-Reply-To"] == "<koi8r-0001@example.ru>" and ack["References"] == "<koi8r-0001@example.ru>"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["Message-ID"] == message_id_for(f"appeal:{appeal_id}:ack", "cur44@example.org")
    plain = ack.get_body(preferencelist=("plain",))
    html = ack.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "Здравствуйте, Иван Петров!" in plain.get_content() and number in plain.get_content()
    assert number in html.get_content() and "<p>" in html.get_content()
    before_reply = len(letters)

    add_reply(ctx, SYSTEM, appeal_id, kind=ReplyKind.FINAL, text="Яма заделана 30 ноября.")
    threads = [threading.Thread(target=worker.run_once) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    workers[0].run_once()
    replies = letters[before_reply:]
    finals = [letter for letter in replies if "Яма заделана 30 ноября." in letter.get_body(("plain",)).get_content()]
    assert len(finals) == 1, [letter["Subject"] for letter in replies]
    final = finals[0]
    assert final["In-Reply-To"] == "<koi8r-0001@example.ru>" and "Auto-Submitted" not in final
    assert "Оцените, пожалуйста, ответ" in final.get_body(("plain",)).get_content()
    deliveries = get_detail(ctx, SYSTEM, appeal_id).deliveries
    assert all(delivery.status == "sent" for delivery in deliveries), [(d.kind, d.status) for d in deliveries]
    assert len(letters) == len(deliveries), "one letter per delivery, none twice"


def test_a_refused_address_is_a_dead_letter_in_the_history(
    ctx: ServiceContext, dovecot: Dovecot, smtp_server: SmtpServer, email_settings: EmailSettings
) -> None:
    smtp_server.handler.refuse.add("ivan.petrov@example.ru")
    appeal_id = _registered_appeal(ctx, dovecot, email_settings)
    DeliveryWorker(ctx, {"email": EmailSender(email_settings)}).run_once()
    detail = get_detail(ctx, SYSTEM, appeal_id)
    assert {d.status for d in detail.deliveries} == {"dead"}
    failed = [event for event in detail.history if event.type == "delivery_failed"]
    assert failed and "SMTP 550" in (failed[0].reason or "")
    assert smtp_server.handler.letters == []


def test_an_unreachable_relay_is_retried_later(
    ctx: ServiceContext, dovecot: Dovecot, email_settings: EmailSettings
) -> None:
    appeal_id = _registered_appeal(ctx, dovecot, email_settings)
    closed = email_settings.model_copy(update={"smtp_port": 1})
    DeliveryWorker(ctx, {"email": EmailSender(closed)}).run_once()
    (delivery, *_) = get_detail(ctx, SYSTEM, appeal_id).deliveries
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error is not None and "unreachable" in delivery.last_error


def test_sender_is_discovered_only_when_configured(monkeypatch: pytest.MonkeyPatch, ctx: ServiceContext) -> None:
    monkeypatch.delenv("OTKLIK_EMAIL_SMTP_HOST", raising=False)
    assert build_sender(ctx.settings) is None
    monkeypatch.setenv("OTKLIK_EMAIL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OTKLIK_EMAIL_FROM_ADDRESS", "cur44@example.org")
    sender = build_sender(ctx.settings)
    assert sender is not None and sender.channel == "email"
