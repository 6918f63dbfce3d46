"""E-mail over SMTP with the standard library: a text and an HTML part,
Content-Language, a Message-ID made from the outbox row's key (so a
repeated delivery after a crash carries the same id, which mail systems
use to drop duplicates), List-Unsubscribe with the stop link and
List-Unsubscribe-Post for a mail program's one-click stop (RFC 8058). STARTTLS
before logging in (required in production, portal.settings)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime
from hashlib import sha256

from portal import clock
from portal.notifications.delivery import Deliver, Delivered, DeliveryFailed, Outgoing

TIMEOUT_SECONDS = 15


def message_id(key: str, domain: str) -> str:
    return f"<{sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build(outgoing: Outgoing, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id(outgoing.key, sender.rpartition("@")[2].strip(">") or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to it
    if outgoing.stop_url:
        message["List-Unsubscribe"] = f"<{outgoing.stop_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    # After the parts: setting the content clears every Content-* header.
    message["Content-Language"] = outgoing.language
    for part in message.iter_parts():
        part["Content-Language"] = outgoing.language
    return message


class SmtpTransport:
    name = "smtp"

    def __init__(self, *, host: str, port: int, user: str, password: str, sender: str, starttls: bool) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.sender, self.starttls = sender, starttls

    def _open(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
        except smtplib.SMTPAuthenticationError:
            raise DeliveryFailed("smtp_login_refused") from None
        except (OSError, smtplib.SMTPException):
            raise DeliveryFailed("smtp_unreachable") from None
        return smtp

    @contextmanager
    def connection(self) -> Iterator[Deliver]:
        opened: list[smtplib.SMTP] = []

        def deliver(outgoing: Outgoing) -> Delivered:
            message = build(outgoing, sender=self.sender)
            for attempt in (1, 2):  # a connection the server closed meanwhile is opened again once
                if not opened:
                    opened.append(self._open())
                try:
                    opened[0].send_message(message)
                    return Delivered(str(message["Message-ID"]))
                except smtplib.SMTPServerDisconnected:
                    opened.clear()
                    if attempt == 2:
                        raise DeliveryFailed("smtp_disconnected") from None
                except smtplib.SMTPRecipientsRefused as refused:
                    codes = [code for code, _text in refused.recipients.values()]
                    raise DeliveryFailed(f"smtp_refused_{codes[0] if codes else ''}",
                                         permanent=bool(codes) and codes[0] >= 500) from None
                except smtplib.SMTPResponseException as error:
                    raise DeliveryFailed(f"smtp_{error.smtp_code}", permanent=error.smtp_code >= 500) from None
                except (OSError, smtplib.SMTPException):
                    opened.clear()
                    raise DeliveryFailed("smtp_error") from None
            raise DeliveryFailed("smtp_error")

        try:
            yield deliver
        finally:
            if opened:
                try:
                    opened[0].quit()
                except (OSError, smtplib.SMTPException):
                    pass
