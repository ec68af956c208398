"""The local mail servers of the e-mail tests: a private dovecot (IMAP) and an aiosmtpd capturing handler."""

from __future__ import annotations

import imaplib
import os
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

USER, PASSWORD = "cur44@test.local", "imap-secret-44"


@dataclass
class Dovecot:
    port: int
    home: Path
    mail_uid: int

    def connect(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(USER, PASSWORD)
        return connection

    def new_folder(self) -> str:
        name = f"t{uuid.uuid4().hex[:12]}"
        connection = self.connect()
        try:
            assert connection.create(name)[0] == "OK"
        finally:
            connection.logout()
        return name

    def append(self, folder: str, *letters: bytes) -> None:
        connection = self.connect()
        try:
            for raw in letters:
                assert connection.append(folder, None, None, raw)[0] == "OK"
        finally:
            connection.logout()

    def drop_into_maildir(self, folder: str, raw: bytes) -> None:
        """Delivery the way an MDA does it: a file written to tmp/, then moved into new/."""
        base = self.home / "Maildir" / f".{folder}"
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.otklik-test"
        tmp_file = base / "tmp" / name
        tmp_file.write_bytes(raw)
        os.chown(tmp_file, self.mail_uid, self.mail_uid)
        tmp_file.rename(base / "new" / name)


DOVECOT_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def wait_for_imap(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    output = process.stdout.read().decode(errors="replace") if process.poll() is not None and process.stdout else ""
    log = (root / "dovecot.log").read_text(errors="replace") if (root / "dovecot.log").exists() else ""
    pytest.fail(f"dovecot did not start on 127.0.0.1:{port}:\n{output}\n{log}")


@dataclass
class CapturingHandler:
    """Keeps every letter the SMTP server accepted; refuses recipients listed in `refuse`."""

    letters: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        letter = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(letter, EmailMessage)
        self.letters.append(letter)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    handler: CapturingHandler
