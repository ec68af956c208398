"""E-mail channel settings (OTKLIK_EMAIL_*): the IMAP mailbox read and the SMTP relay answers go through."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_EMAIL_", env_file=".env", extra="ignore")

    # --- IMAP: the mailbox citizens write to ----------------------------------------------------------------
    imap_host: str | None = None  # None: the mailbox is not polled
    imap_port: int = 993  # 993 for IMAPS, 143 for plain IMAP (with imap_starttls)
    poll_interval_seconds: float = 60.0  # between mailbox rounds when `otklik serve` polls it
    imap_ssl: bool = True  # implicit TLS (IMAPS); False for plain IMAP, e.g. a local test server
    imap_starttls: bool = False  # upgrade a plain IMAP connection with STARTTLS
    imap_user: str | None = None  # login of the mailbox
    imap_password: SecretStr | None = None  # password of the mailbox; never logged
    imap_mailbox: str = "INBOX"  # the folder that is read
    imap_batch: int = Field(50, ge=1, le=1000)  # at most this many letters per poll, so one round stays short
    imap_timeout_seconds: float = 30.0  # network timeout of one IMAP command
    max_message_bytes: int = 30_000_000  # larger letters are skipped (and logged), not downloaded

    # --- SMTP: how answers go out ---------------------------------------------------------------------------
    smtp_host: str | None = None  # None: no e-mail is sent (notices wait and then go to dead letters)
    smtp_port: int = 587  # 587 submission with STARTTLS, 465 with implicit TLS, 25 for a local relay
    smtp_ssl: bool = False  # implicit TLS (port 465)
    smtp_starttls: bool = True  # STARTTLS on a plain connection; off only for a local relay on loopback
    smtp_user: str | None = None  # login at the relay; None: no authentication
    smtp_password: SecretStr | None = None  # password at the relay; never logged
    smtp_timeout_seconds: float = 30.0  # network timeout of one SMTP session
    from_address: str | None = None  # the center's address answers come from, e.g. obrashenia@cur44.ru
    from_name: str = "ЦУР Костромской области"  # the display name of that address
    rate_per_second: float = 2.0  # relays throttle bulk senders; two letters a second is safe for most

    # --- what a letter becomes ------------------------------------------------------------------------------
    attachments_dir: Path = Path("var/attachments")  # where attachment bytes are kept (content-addressed)
    max_attachment_bytes: int = 20_000_000  # larger attachments are not kept; the message says so
    # A letter to the center's official address is a written appeal (59-ФЗ, art. 4, 7) when it names the citizen.
    formal: bool = True

    @property
    def imap_configured(self) -> bool:
        return bool(self.imap_host and self.imap_user and self.imap_password)

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host and self.from_address)
