"""Sending e-mail through the office's SMTP server, when one is configured."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage


def mail_configured(config: Mapping) -> bool:
    return bool(config.get("MAIL_SERVER") and config.get("MAIL_FROM"))


def send_mail(config: Mapping, *, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; raises OSError/SMTPException when the server refuses."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    port = int(config.get("MAIL_PORT") or 587)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=30) as smtp:
        if port != 25:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
