"""Polling a real IMAP server (a private dovecot): letters become appeals once, whatever happens to the cursor."""

from __future__ import annotations

from pathlib import Path

import pytest
from mail_samples import sample
from mail_servers import Dovecot

from otklik.adapters.db.repositories.appeals import AppealFilter
from otklik.channels.email.imap_poller import ImapPoller, MailboxError
from otklik.channels.email.settings import EmailSettings
from otklik.domain.access import SYSTEM
from otklik.domain.channels import Channel
from otklik.services.appeals import list_appeals
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db

LETTERS = ("koi8r_plain.eml", "cp1251_multipart_attachment.eml", "html_only.eml", "auto_reply.eml")


def test_letters_become_appeals_once(ctx: ServiceContext, dovecot: Dovecot, email_settings: EmailSettings) -> None:
    dovecot.append(email_settings.imap_mailbox, *(sample(name) for name in LETTERS))
    poller = ImapPoller(ctx, email_settings)
    report = poller.poll_once()
    assert (report.fetched, report.registered, report.duplicates) == (4, 3, 0), report
    assert report.skipped == ["uid 4: Auto-Submitted: auto-replied"]
    with ctx.uow(readonly=True) as uow:
        koi8 = uow.messages.get_by_key(Channel.EMAIL, "koi8r-0001@example.ru")
        cp1251 = uow.messages.get_by_key(Channel.EMAIL, "cp1251-0002@example.ru")
    assert koi8 is not None and "огромная яма" in koi8.message.text and koi8.appeal_id is not None
    assert cp1251 is not None and "нет холодной воды" in cp1251.message.text
    (attachment,) = cp1251.message.attachments
    assert (email_settings.attachments_dir / attachment.storage_key).read_bytes() == bytes(range(256)) * 4

    again = poller.poll_once()
    assert (again.fetched, again.registered) == (0, 0), "the cursor remembers what was read"


def test_a_reset_cursor_or_a_second_copy_creates_no_duplicates(
    ctx: ServiceContext, dovecot: Dovecot, email_settings: EmailSettings
) -> None:
    dovecot.append(email_settings.imap_mailbox, sample("koi8r_plain.eml"))
    assert ImapPoller(ctx, email_settings).poll_once().registered == 1
    with ctx.uow() as uow:  # as after a UIDVALIDITY change: the server renumbered the folder
        uow.channel_state.set(Channel.EMAIL.value, _key(email_settings, "uidvalidity"), "1", at=ctx.clock.now())
        uow.commit()
    dovecot.append(email_settings.imap_mailbox, sample("koi8r_plain.eml"))  # the same letter delivered twice
    report = ImapPoller(ctx, email_settings).poll_once()
    assert (report.fetched, report.registered, report.duplicates) == (2, 0, 2)
    assert list_appeals(ctx, SYSTEM, AppealFilter())[1] == 1


def test_maildir_delivery_and_bounded_rounds(
    ctx: ServiceContext, dovecot: Dovecot, email_settings: EmailSettings
) -> None:
    for name in ("koi8r_plain.eml", "cp1251_multipart_attachment.eml", "html_only.eml"):
        dovecot.drop_into_maildir(email_settings.imap_mailbox, sample(name))
    poller = ImapPoller(ctx, email_settings.model_copy(update={"imap_batch": 2}))
    first = poller.poll_once()
    assert (first.registered, first.more) == (2, True)
    second = poller.poll_once()
    assert (second.registered, second.more) == (1, False)


def test_a_letter_without_text_is_rejected_and_does_not_block_the_mailbox(
    ctx: ServiceContext, dovecot: Dovecot, email_settings: EmailSettings
) -> None:
    empty = b"From: x@example.ru\r\nMessage-ID: <empty@example.ru>\r\nSubject:\r\n\r\n \r\n"
    dovecot.append(email_settings.imap_mailbox, empty, sample("html_only.eml"))
    report = ImapPoller(ctx, email_settings).poll_once()
    assert report.registered == 1 and report.rejected == ["uid 1: text is empty: write what the problem is"]


def test_a_wrong_password_is_a_mailbox_error_without_the_password(
    ctx: ServiceContext, email_settings: EmailSettings, tmp_path: Path
) -> None:
    from pydantic import SecretStr

    wrong = email_settings.model_copy(update={"imap_password": SecretStr("not-the-password")})
    with pytest.raises(MailboxError) as error:
        ImapPoller(ctx, wrong).poll_once()
    assert "not-the-password" not in str(error.value) and "cannot log in" in str(error.value)
    assert "not-the-password" not in repr(wrong)


def _key(settings: EmailSettings, name: str) -> str:
    return f"{settings.imap_user}@{settings.imap_host}/{settings.imap_mailbox}:{name}"


def test_cli_import_email_reads_the_mailbox_once(
    ctx: ServiceContext, dovecot: Dovecot, email_settings: EmailSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from otklik.cli import imports
    from otklik.cli.main import app

    monkeypatch.setattr(imports, "build_context", lambda: ctx)
    for field, value in email_settings.model_dump().items():
        if value is not None:
            plain = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            monkeypatch.setenv(f"OTKLIK_EMAIL_{field.upper()}", str(plain))
    dovecot.append(email_settings.imap_mailbox, sample("koi8r_plain.eml"), sample("auto_reply.eml"))
    result = CliRunner().invoke(app, ["import", "email"])
    assert result.exit_code == 0, result.output
    assert "skipped uid 2: Auto-Submitted: auto-replied" in result.output
    assert "imported: 1, duplicates: 0, rejected: 0" in result.output
    assert PASSWORD_TEXT not in result.output
    assert "imported: 0, duplicates: 0, rejected: 0" in CliRunner().invoke(app, ["import", "email"]).output


PASSWORD_TEXT = "imap-secret-44"
