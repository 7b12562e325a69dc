"""Accounts: create, authenticate. Callers commit."""

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from deliberate import validation
from deliberate.accounts.models import User
from deliberate.config import LANGUAGES
from deliberate.errors import DomainError, invalid
from deliberate.extensions import db

MIN_PASSWORD = 8


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
        raise invalid(_("password must be at least %(min)s characters long.", min=MIN_PASSWORD))
    if len(password) > 1024:
        raise invalid(_("password is too long."))
    organisation = validation.optional_text(organisation, "organisation", max_length=200)
    if language is not None:
        language = validation.choice(language, "language", LANGUAGES)
    if find_by_email(email):
        raise DomainError("conflict", _("An account with this e-mail address already exists."))
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
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
    if user is None or not user.password_hash or not check_password_hash(user.password_hash, password):
        raise DomainError("unauthenticated", _("Wrong e-mail address or password."))
    return user
