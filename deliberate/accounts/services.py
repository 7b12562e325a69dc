"""Accounts: create, authenticate. Callers commit."""

import os
import threading
from functools import partial

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from deliberate import asyncmode, validation
from deliberate.accounts.models import User
from deliberate.config import DEFAULT_PASSWORD_HASH, LANGUAGES
from deliberate.dbtypes import utcnow
from deliberate.errors import DomainError, invalid
from deliberate.extensions import db
from deliberate.realtime import outbox

MIN_PASSWORD = 8
# Checked against when no account has the e-mail address, so that a log-in takes as long either way:
# one per hashing method, made on first use.
_NO_ACCOUNT_HASHES: dict[str, str] = {}


# Password hashes computed at once, at most: scrypt takes a core for ~100 ms, and a flood of log-ins
# hashing on every core at once would leave none to the rooms. Half the cores, at least one.
HASHING_AT_ONCE = max(1, (os.cpu_count() or 2) // 2)
_hashing: list[threading.BoundedSemaphore] = []


def _hashing_slots() -> threading.BoundedSemaphore:
    # Made on first use, after the server's monkey patching: a green semaphore under eventlet or gevent.
    if not _hashing:
        _hashing.append(threading.BoundedSemaphore(HASHING_AT_ONCE))
    return _hashing[0]


def _hashed(function, *args):
    with _hashing_slots():
        # In a worker thread: the event loop keeps serving rooms meanwhile.
        return asyncmode.in_thread(function, *args)


def _method() -> str:
    """The hashing method of new passwords (werkzeug's notation, ``PASSWORD_HASH``); a stored hash
    names its own, so changing it never locks anyone out."""
    return current_app.config["PASSWORD_HASH"] if has_app_context() else DEFAULT_PASSWORD_HASH


def hash_password(password: str) -> str:
    return _hashed(partial(generate_password_hash, method=_method()), password)


def _no_account_hash() -> str:
    method = _method()
    if method not in _NO_ACCOUNT_HASHES:
        _NO_ACCOUNT_HASHES[method] = _hashed(partial(generate_password_hash, method=method), "no account")
    return _NO_ACCOUNT_HASHES[method]


def verify_password(user: User | None, password: str) -> bool:
    stored = user.password_hash if user is not None and user.password_hash else _no_account_hash()
    matches = _hashed(check_password_hash, stored, password)
    return matches and user is not None and bool(user.password_hash)


def find_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def create_user(
    email: object,
    name: object,
    password: object,
    *,
    organisation: object = None,
    language: object = None,
    organiser: bool = False,
) -> User:
    fields = signup_fields(email, name, password, organisation=organisation, language=language)
    if find_by_email(fields["email"]):
        raise DomainError("conflict", _("An account with this e-mail address already exists."))
    return _create(fields, organiser=organiser)


def signup_fields(
    email: object, name: object, password: object, *, organisation: object = None, language: object = None
) -> dict:
    """A sign-up's validated fields, the password already hashed (so a refusal for an address that
    has an account comes no faster than an account for a new one)."""
    email = validation.email(email)
    name = validation.text(name, "name", max_length=120)
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise invalid(_("The password must be at least %(min)s characters long.", min=MIN_PASSWORD))
    if len(password) > 1024:
        raise invalid(_("The password is too long."))
    organisation = validation.optional_text(organisation, "organisation", max_length=200)
    if language is not None:
        language = validation.choice(language, "language", LANGUAGES)
    return {
        "email": email,
        "name": name,
        "password_hash": hash_password(password),
        "organisation": organisation,
        "language": language,
    }


def _create(fields: dict, *, organiser: bool = False, verified: bool = False) -> User:
    user = User(
        email=fields["email"],
        name=fields["name"],
        password_hash=fields["password_hash"],
        organisation=fields.get("organisation"),
        language=fields.get("language"),
        is_organiser=organiser,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def start_signup(fields: dict, base: str) -> None:
    """Sign-up by mail first: whatever the address, a mail goes to it after the commit (the link that
    makes the account, or a note that it has one). Nothing here looks the address up."""
    from deliberate import jobs, mail

    mail.refuse_if_disabled()
    jobs.enqueue("deliberate.accounts.jobs.signup_mail", fields, base, language=fields.get("language"))


def finish_signup(token: object) -> User:
    """The account of a sign-up link, its address verified by the opening of the link."""
    from deliberate.accounts.verification import signup_fields as fields_of

    fields = fields_of(token)
    if find_by_email(fields["email"]):
        raise DomainError("conflict", _("An account with this e-mail address already exists: log in."))
    return _create(fields, verified=True)


def authenticate(email: object, password: object) -> User:
    if not isinstance(email, str) or not isinstance(password, str):
        raise invalid(_("email and password are required."))
    user = find_by_email(email)
    if not verify_password(user, password):
        raise DomainError("unauthenticated", _("Wrong e-mail address or password."))
    return user


def log_out(user: User) -> None:
    """End every login of the person: cookies issued before stop working, open sockets close."""
    user.session_version = (user.session_version or 0) + 1
    outbox.memberships_changed(user.id)


def change_password(user: User, current: object, new: object) -> None:
    """A new password (the current one must be given); every other login of the person ends."""
    if not isinstance(current, str) or not verify_password(user, current):
        raise DomainError("unauthenticated", _("Wrong e-mail address or password."))
    if not isinstance(new, str) or len(new) < MIN_PASSWORD:
        raise invalid(_("The password must be at least %(min)s characters long.", min=MIN_PASSWORD))
    if len(new) > 1024:
        raise invalid(_("The password is too long."))
    user.password_hash = hash_password(new)
    log_out(user)


def set_language(user: User, language: str) -> None:
    user.language = validation.choice(language, "language", LANGUAGES)
