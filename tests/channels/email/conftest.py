"""Real local mail servers for the e-mail tests: a private dovecot (IMAP) and an aiosmtpd SMTP server."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from mail_servers import DOVECOT_CONFIG, PASSWORD, USER, CapturingHandler, Dovecot, SmtpServer, wait_for_imap
from pydantic import SecretStr

from channels.loopback import free_port
from otklik.channels.email.settings import EmailSettings


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A private dovecot on a free loopback port, configured from scratch in a temp dir; fails if it cannot start."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary is None:
        pytest.fail("dovecot is not installed: run `make services` (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="otklik-dovecot-"))
    root.chmod(0o755)  # the mail user (not root) must reach its home below
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")  # dovecot refuses to serve mail as root
        uid, gid = nobody.pw_uid, nobody.pw_gid
        users = ""
    else:
        uid, gid = os.getuid(), os.getgid()
        me = pwd.getpwuid(uid).pw_name
        users = f"default_internal_user = {me}\ndefault_login_user = {me}\ndefault_internal_group = {me}"
    home = root / "home" / USER
    home.mkdir(parents=True)
    os.chown(home, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(DOVECOT_CONFIG.format(root=root, uid=uid, gid=gid, port=port, users=users))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_for_imap(port, process, root)
        yield Dovecot(port=port, home=home, mail_uid=uid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = CapturingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer(controller.port, handler)
    finally:
        controller.stop()


@pytest.fixture
def email_settings(dovecot: Dovecot, smtp_server: SmtpServer, tmp_path: Path) -> EmailSettings:
    return EmailSettings(
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_ssl=False,
        imap_user=USER,
        imap_password=SecretStr(PASSWORD),
        imap_mailbox=dovecot.new_folder(),
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_starttls=False,
        from_address="cur44@example.org",
        attachments_dir=tmp_path / "attachments",
        rate_per_second=100.0,
    )
