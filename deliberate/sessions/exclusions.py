"""Excluding a person from a session: their registration and sockets end, and they cannot register
again until a moderator or organiser readmits them. Services flush; callers commit."""

from flask_babel import gettext as _

from deliberate.access import MODERATING, require_role
from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.errors import DomainError, forbidden, not_found
from deliberate.extensions import db
from deliberate.realtime import outbox
from deliberate.sessions.models import Exclusion, PanelSession, Registration


def is_excluded(user: User, session: PanelSession) -> bool:
    return (
        db.session.scalar(
            db.select(Exclusion.id).where(Exclusion.user_id == user.id, Exclusion.session_id == session.id)
        )
        is not None
    )


def refuse_if_excluded(user: User, session: PanelSession) -> None:
    if is_excluded(user, session):
        raise forbidden(_("You were excluded from this session."))


def exclude(session: PanelSession, user: User, actor: User | None) -> Exclusion:
    """``actor`` (a moderator or organiser; None from the command line) puts ``user`` out."""
    if actor is not None:
        require_role(actor, session, MODERATING)
    if user.is_organiser:
        raise forbidden(_("Organisers cannot be excluded from a session."))
    existing = db.session.scalar(
        db.select(Exclusion).where(Exclusion.user_id == user.id, Exclusion.session_id == session.id)
    )
    if existing is not None:
        return existing
    registration = db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.session_id == session.id)
    )
    if registration is not None:
        db.session.delete(registration)
    exclusion = Exclusion(user_id=user.id, session_id=session.id, excluded_by=actor.id if actor else None)
    db.session.add(exclusion)
    outbox.memberships_changed(user.id)
    record("person_excluded", actor, session.id, email=user.email)
    db.session.flush()
    return exclusion


def readmit(session: PanelSession, user: User, actor: User | None) -> None:
    if actor is not None:
        require_role(actor, session, MODERATING)
    exclusion = db.session.scalar(
        db.select(Exclusion).where(Exclusion.user_id == user.id, Exclusion.session_id == session.id)
    )
    if exclusion is None:
        raise not_found(_("That person is not excluded from this session."))
    db.session.delete(exclusion)
    record("person_readmitted", actor, session.id, email=user.email)
    db.session.flush()


def excluded(session: PanelSession) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(Exclusion, Exclusion.user_id == User.id)
            .where(Exclusion.session_id == session.id)
            .order_by(User.name)
        )
    )


def user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError("not_found", _("There is no such account."))
    return user
