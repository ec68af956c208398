"""The e-mail sender: one SMTP session per notice, failures sorted into «try again» and «never»."""

from __future__ import annotations

import smtplib
import ssl

from otklik.channels.email.letters import compose_letter
from otklik.channels.email.settings import EmailSettings
from otklik.notify.sender import OutboundNotice, PermanentDeliveryError, TransientDeliveryError
from otklik.settings import Settings

_AUTH_RETRY_SECONDS = 300.0  # a wrong relay password is ours to fix; the letter itself is fine


class EmailSender:
    channel = "email"

    def __init__(self, settings: EmailSettings) -> None:
        if not settings.smtp_configured:
            raise ValueError("SMTP is not configured: set OTKLIK_EMAIL_SMTP_HOST and OTKLIK_EMAIL_FROM_ADDRESS")
        self._settings = settings
        self.rate_per_second = settings.rate_per_second

    def send(self, notice: OutboundNotice) -> str | None:
        letter = compose_letter(notice, self._settings)
        try:
            with self._connect() as smtp:
                smtp.send_message(letter)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            reason = f"the mail server refused the citizen's address (SMTP {', '.join(map(str, codes))})"
            if all(code >= 500 for code in codes):
                raise PermanentDeliveryError(reason) from None
            raise TransientDeliveryError(reason) from None
        except smtplib.SMTPAuthenticationError as error:
            raise TransientDeliveryError(
                f"the mail relay refused our login (SMTP {error.smtp_code})", retry_after=_AUTH_RETRY_SECONDS
            ) from None
        except smtplib.SMTPResponseException as error:
            reason = f"the mail server answered SMTP {error.smtp_code}"
            if error.smtp_code >= 500:
                raise PermanentDeliveryError(reason) from None
            raise TransientDeliveryError(reason) from None
        except (smtplib.SMTPException, OSError) as error:
            raise TransientDeliveryError(f"the mail relay is unreachable: {type(error).__name__}") from None
        return str(letter["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        assert s.smtp_host
        smtp: smtplib.SMTP
        if s.smtp_ssl:
            smtp = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        try:
            if s.smtp_starttls and not s.smtp_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user and s.smtp_password:
                smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
        except BaseException:
            smtp.close()
            raise
        return smtp


def build_sender(settings: Settings) -> EmailSender | None:
    """None when OTKLIK_EMAIL_SMTP_HOST or OTKLIK_EMAIL_FROM_ADDRESS is not set."""
    email_settings = EmailSettings()
    return EmailSender(email_settings) if email_settings.smtp_configured else None
