"""Accounts: create, authenticate. Callers commit."""

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from deliberate import asyncmode, validation
from deliberate.accounts.models import User
from deliberate.config import LANGUAGES
from deliberate.errors import DomainError, invalid
from deliberate.extensions import db
from deliberate.realtime import outbox

MIN_PASSWORD = 8
# Checked against when no account has the e-mail address, so that a log-in takes as long either way.
_NO_ACCOUNT_HASH = generate_password_hash("no account has this address")


def hash_password(password: str) -> str:
    # scrypt is ~100 ms of CPU: in a worker thread, the event loop keeps serving rooms meanwhile.
    return asyncmode.in_thread(generate_password_hash, password)


def verify_password(user: User | None, password: str) -> bool:
    stored = user.password_hash if user is not None and user.password_hash else _NO_ACCOUNT_HASH
    matches = asyncmode.in_thread(check_password_hash, stored, password)
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
    email = validation.email(email)
    name = validation.text(name, "name", max_length=120)
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise invalid(_("The password must be at least %(min)s characters long.", min=MIN_PASSWORD))
    if len(password) > 1024:
        raise invalid(_("The password is too long."))
    organisation = validation.optional_text(organisation, "organisation", max_length=200)
    if language is not None:
        language = validation.choice(language, "language", LANGUAGES)
    # Hashed before looking the address up: an existing address answers no faster than a new one.
    password_hash = hash_password(password)
    if find_by_email(email):
        raise DomainError("conflict", _("An account with this e-mail address already exists."))
    user = User(
        email=email,
        name=name,
        password_hash=password_hash,
        organisation=organisation,
        language=language,
        is_organiser=organiser,
    )
    db.session.add(user)
    db.session.flush()
    return user


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
