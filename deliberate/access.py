"""Who may do what in a session. Every route and socket event goes through here.

Organisers are a site-wide role and may do everything in every session; the other roles come from
the person's registration to the session.
"""

from flask import has_request_context, request
from flask_babel import gettext as _

from deliberate.accounts.models import User
from deliberate.errors import DomainError, forbidden
from deliberate.extensions import db
from deliberate.sessions.models import PanelSession, Registration

MODERATING = frozenset({"moderator", "organiser"})
SEES_HIDDEN = frozenset({"moderator", "rapporteur", "organiser"})
EXPORTS = frozenset({"moderator", "rapporteur", "organiser"})
REVIEWS = frozenset({"rapporteur", "organiser"})
CLUSTERS = frozenset({"panelist", "moderator", "organiser"})
# Socket events that only read: everything else a client sends changes something.
READING_EVENTS = frozenset({"join", "leave", "follow"})


def role_in(user: User | None, session: PanelSession | int) -> str | None:
    """The user's role in the session (or session id), ``"organiser"`` for organisers, None when not
    registered."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_organiser:
        return "organiser"
    session_id = session if isinstance(session, int) else session.id
    return db.session.scalar(
        db.select(Registration.role).where(
            Registration.user_id == user.id, Registration.session_id == session_id
        )
    )


def require_user(user: User | None) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise DomainError("unauthenticated", _("Log in first."))
    return user


def require_role(
    user: User | None, session: PanelSession | int, allowed: frozenset[str] | None = None
) -> str:
    """The user's role, or an error: unauthenticated, not registered, or not allowed to."""
    role = role_in(require_user(user), session)
    if role is None:
        raise forbidden(_("Register for this session first."))
    if allowed is not None and role not in allowed:
        raise forbidden()
    if _writing():
        refuse_if_archived(_archived(session))
    return role


def refuse_if_archived(archived: bool) -> None:
    """An archived session is read-only: every write is refused with the same answer."""
    if archived:
        raise DomainError("archived", _("This session is archived: it can be read, not changed."))


def _writing() -> bool:
    """Whether the current request or socket event writes: an archived session refuses those.

    Every write goes through ``require_role``, so checking here makes an archived session read-only
    everywhere at once, rooms, clusters and review alike."""
    if not has_request_context():
        return False
    event = getattr(request, "event", None)  # set by Flask-SocketIO for a socket event
    if isinstance(event, dict):
        return event.get("message") not in READING_EVENTS
    return request.method not in ("GET", "HEAD", "OPTIONS")


def _archived(session: PanelSession | int) -> bool:
    if isinstance(session, PanelSession):
        return bool(session.archived)
    return bool(db.session.scalar(db.select(PanelSession.archived).where(PanelSession.id == session)))


def may_cluster(role: str, session: PanelSession) -> bool:
    return role in CLUSTERS or (role == "attendee" and session.attendees_may_cluster)


def require_organiser(user: User | None) -> User:
    user = require_user(user)
    if not user.is_organiser:
        raise forbidden(_("Only organisers may do that."))
    return user
