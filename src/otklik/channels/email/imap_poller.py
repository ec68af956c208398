"""Polling the citizens' mailbox over IMAP by UID: a UIDVALIDITY cursor, bounded rounds, nothing read twice."""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
import threading
from dataclasses import dataclass, field

import structlog

from otklik.channels.email.attachments import AttachmentStore
from otklik.channels.email.parsing import NotACitizenLetter, parse_letter
from otklik.channels.email.settings import EmailSettings
from otklik.domain.channels import Channel
from otklik.domain.errors import InvalidInput
from otklik.domain.message import MessageOutcome
from otklik.services.channel_state import load_cursor, save_cursor
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message

log = structlog.get_logger(__name__)
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be read now (connection, login, folder); the next round tries again."""


@dataclass
class PollReport:
    fetched: int = 0
    registered: int = 0  # new messages stored (whatever was decided about them)
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)  # auto-replies, bounces, oversized letters
    rejected: list[str] = field(default_factory=list)  # letters that cannot be a message (e.g. no text)
    more: bool = False  # the batch limit was reached; another round will read the rest


class ImapPoller:
    def __init__(self, ctx: ServiceContext, settings: EmailSettings) -> None:
        if not settings.imap_configured:
            raise ValueError("IMAP is not configured: set OTKLIK_EMAIL_IMAP_HOST, _IMAP_USER and _IMAP_PASSWORD")
        self._ctx = ctx
        self._settings = settings
        self._store = AttachmentStore(settings.attachments_dir)
        self._cursor_prefix = f"{settings.imap_user}@{settings.imap_host}/{settings.imap_mailbox}"

    def run(self, stop: threading.Event, interval: float = 60.0) -> None:
        """Poll until stopped; a failed round is logged and retried after the interval."""
        while not stop.is_set():
            try:
                report = self.poll_once()
            except MailboxError as error:
                log.warning("email.poll_failed", error=str(error))
                report = PollReport()
            except Exception:  # e.g. the database is away: the cursor did not move, the next round retries
                log.exception("email.poll_round_failed")
                report = PollReport()
            if not report.more:
                stop.wait(interval)

    def poll_once(self) -> PollReport:
        """Read letters after the cursor, at most one batch; the cursor moves after each stored letter."""
        connection = self._connect()
        try:
            return self._poll(connection)
        except imaplib.IMAP4.error as error:
            raise MailboxError(f"IMAP error: {error}") from None
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                connection.logout()

    def _connect(self) -> imaplib.IMAP4:
        s = self._settings
        assert s.imap_host and s.imap_user and s.imap_password
        try:
            if s.imap_ssl:
                connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.imap_host, s.imap_port, ssl_context=ssl.create_default_context(), timeout=s.imap_timeout_seconds
                )
            else:
                connection = imaplib.IMAP4(s.imap_host, s.imap_port, timeout=s.imap_timeout_seconds)
                if s.imap_starttls:
                    connection.starttls(ssl.create_default_context())
            connection.login(s.imap_user, s.imap_password.get_secret_value())
        except (OSError, imaplib.IMAP4.error) as error:
            # The error text of a failed login never contains the password; the password itself is not logged.
            raise MailboxError(f"cannot log in to {s.imap_host}:{s.imap_port}: {error}") from None
        return connection

    def _poll(self, connection: imaplib.IMAP4) -> PollReport:
        status, _ = connection.select(_quoted(self._settings.imap_mailbox), readonly=True)  # PEEK: flags stay as is
        if status != "OK":
            raise MailboxError(f"cannot open the folder {self._settings.imap_mailbox!r}")
        validity = _first(connection.response("UIDVALIDITY")[1])
        last_uid = self._last_uid(validity)
        uids = self._new_uids(connection, last_uid)
        report = PollReport(more=len(uids) > self._settings.imap_batch)
        for uid in uids[: self._settings.imap_batch]:
            self._read_one(connection, uid, report)
            save_cursor(self._ctx, Channel.EMAIL.value, self._key("last_uid"), str(uid))
        log.info(
            "email.polled",
            fetched=report.fetched,
            registered=report.registered,
            duplicates=report.duplicates,
            skipped=len(report.skipped),
            rejected=len(report.rejected),
        )
        return report

    def _last_uid(self, validity: str) -> int:
        """A new UIDVALIDITY means the server renumbered the folder: read it again (Message-IDs prevent doubles)."""
        stored_validity = load_cursor(self._ctx, Channel.EMAIL.value, self._key("uidvalidity"))
        if stored_validity != validity:
            if stored_validity is not None:
                log.warning("email.uidvalidity_changed", mailbox=self._settings.imap_mailbox)
            save_cursor(self._ctx, Channel.EMAIL.value, self._key("uidvalidity"), validity)
            save_cursor(self._ctx, Channel.EMAIL.value, self._key("last_uid"), "0")
            return 0
        return int(load_cursor(self._ctx, Channel.EMAIL.value, self._key("last_uid")) or 0)

    def _new_uids(self, connection: imaplib.IMAP4, last_uid: int) -> list[int]:
        status, data = connection.uid("SEARCH", "UID", f"{last_uid + 1}:*")
        if status != "OK":
            raise MailboxError("UID SEARCH failed")
        # "n:*" always matches the newest letter, even when its UID is below n: filter it out.
        return sorted(uid for uid in (int(x) for x in _first(data).split()) if uid > last_uid)

    def _read_one(self, connection: imaplib.IMAP4, uid: int, report: PollReport) -> None:
        status, data = connection.uid("FETCH", str(uid), "(RFC822.SIZE)")
        size_match = _SIZE.search(data[0] if status == "OK" and isinstance(data[0], bytes) else b"")
        if size_match and int(size_match[1]) > self._settings.max_message_bytes:
            report.skipped.append(f"uid {uid}: {size_match[1].decode()} bytes, over the limit")
            return
        status, data = connection.uid("FETCH", str(uid), "(BODY.PEEK[])")
        raw = next((item[1] for item in data if isinstance(item, tuple)), None) if status == "OK" else None
        if not isinstance(raw, bytes):
            report.skipped.append(f"uid {uid}: vanished before it was read")
            return
        report.fetched += 1
        try:
            message = parse_letter(
                raw,
                store=self._store,
                formal=self._settings.formal,
                received_at=self._ctx.clock.now(),
                max_attachment_bytes=self._settings.max_attachment_bytes,
            )
            decision = receive_message(self._ctx, message)
        except NotACitizenLetter as reason:
            report.skipped.append(f"uid {uid}: {reason}")
            return
        except InvalidInput as error:
            report.rejected.append(f"uid {uid}: {error.reason}")
            log.warning("email.letter_rejected", uid=uid, reason=error.reason)
            return
        if decision.outcome is MessageOutcome.DUPLICATE:
            report.duplicates += 1
        else:
            report.registered += 1

    def _key(self, name: str) -> str:
        return f"{self._cursor_prefix}:{name}"


def _first(items: list[bytes | None] | list[bytes] | list[None]) -> str:
    value = items[0] if items else None
    return value.decode() if isinstance(value, bytes) else "0"


def _quoted(mailbox: str) -> str:
    return mailbox if mailbox.isalnum() else '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'
