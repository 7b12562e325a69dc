"""Verifying that an e-mail address is its owner's: a signed, expiring link sent by mail.

The link carries the account and the address it was sent to, signed with the secret key (no table
of tokens); it stops working once it is older than ``EMAIL_VERIFICATION_HOURS`` or the address has
changed. The mail itself leaves from a job after the commit (``accounts/jobs.py``). Callers commit.
"""

from typing import Any
from urllib.parse import urlencode

from flask import current_app, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from deliberate import jobs, mail
from deliberate.accounts.models import User
from deliberate.dbtypes import utcnow
from deliberate.errors import DomainError, invalid
from deliberate.extensions import db

SALT = "deliberate-email-verification"
SIGNUP_SALT = "deliberate-signup"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _max_age() -> int:
    return int(current_app.config["EMAIL_VERIFICATION_HOURS"]) * 3600


def base_url() -> str:
    """Where links in mails point: DELIBERATE_PUBLIC_URL, never the request's Host header, which the
    client writes (a forged one would mail the owner of an address a link to the forger's site, and
    hand the forger the token). Tests alone fall back to the request's address."""
    public = current_app.config.get("PUBLIC_URL")
    if not public and not current_app.testing:
        raise DomainError(
            "invalid", _("This server sends no e-mail: ask the organisers to verify your address.")
        )
    return (public or request.host_url).rstrip("/")


def token_for(user: User) -> str:
    return _serializer(SALT).dumps({"u": user.id, "e": user.email})


def link_for(user: User, base: str, next_path: str = "") -> str:
    """The link of the mail; ``next_path`` (a path of this site) is where the person goes on."""
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    return f"{base}/verify/{token_for(user)}{query}"


def verify(token: object) -> User:
    """Mark the address of the token's account verified; the same link again changes nothing."""
    try:
        data = _serializer(SALT).loads(str(token), max_age=_max_age())
        user = db.session.get(User, int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        user = data = None
    if user is None or data is None or user.email != data.get("e") or user.deleted_at is not None:
        raise invalid(_("This verification link is not valid, or has expired: ask for a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def send_verification(user: User, base: str, next_path: str = "") -> dict[str, Any]:
    """Mail ``user`` a verification link once the transaction commits (refused when mail is off)."""
    mail.refuse_if_disabled()
    if user.email_verified_at is not None:
        raise DomainError("conflict", _("Your e-mail address is already verified."))
    return jobs.enqueue(
        "deliberate.accounts.jobs.verification_mail",
        user.id,
        base,
        next_path,
        user_id=user.id,
        language=user.language or None,
    )


def require_verified(user: User) -> None:
    """For a session that only takes verified addresses."""
    if user.email_verified_at is None:
        raise DomainError(
            "forbidden",
            _("This session requires a verified e-mail address: open the link we mailed you first."),
        )


# --- Sign-up by mail first (SIGNUP_CONFIRM) --------------------------------------------------------


def signup_token(fields: dict[str, Any]) -> str:
    return _serializer(SIGNUP_SALT).dumps(fields)


def signup_fields(token: object) -> dict[str, Any]:
    try:
        fields = _serializer(SIGNUP_SALT).loads(str(token), max_age=_max_age())
    except BadSignature:
        fields = None
    if not isinstance(fields, dict) or not isinstance(fields.get("email"), str):
        raise invalid(_("This sign-up link is not valid, or has expired: sign up again."))
    return fields
