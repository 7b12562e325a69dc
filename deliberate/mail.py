"""Sending one e-mail through the configured SMTP server (the standard library's smtplib).

Only jobs call ``send``: talking to a mail server takes from milliseconds to seconds, which the
server's event loop must not wait for. No mail leaves when ``SMTP_HOST`` is unset.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app
from flask_babel import gettext as _

from deliberate.errors import DomainError

SECURITY = ("starttls", "ssl", "none")


def enabled() -> bool:
    """A mail server, and the public address that links in mails are built from (never the request's
    Host header: see accounts/verification.py). Tests may go without the address."""
    config = current_app.config
    return bool(config.get("SMTP_HOST") and (config.get("PUBLIC_URL") or current_app.testing))


def refuse_if_disabled() -> None:
    if not enabled():
        raise DomainError(
            "invalid", _("This server sends no e-mail: ask the organisers to verify your address.")
        )


def send(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to ``to``; raises ``smtplib.SMTPException`` or ``OSError`` on failure."""
    config = current_app.config
    refuse_if_disabled()
    security = config.get("SMTP_SECURITY") or "starttls"
    if security not in SECURITY:
        raise ValueError(f"DELIBERATE_SMTP_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}")
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    if security == "ssl":
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        server.send_message(message)
