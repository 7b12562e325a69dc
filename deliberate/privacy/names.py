"""How people are named outside the room: pseudonyms for attendees (unless the organiser publishes
names), "a former participant" for deleted accounts.

A pseudonym is derived, not stored: the same person has the same pseudonym in a session everywhere
(report, projector, every language), another in the next session, and it cannot be turned back into
the person without the server's secret key.
"""

import base64
import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _

from deliberate.accounts.models import User

# Roles whose names are always shown: they speak for the panel.
NAMED_ROLES = frozenset({"panelist", "moderator", "rapporteur", "organiser"})


def former_participant() -> str:
    return _("a former participant")


def display_name(user: User) -> str:
    """The name shown in the room: the person's own, or "a former participant" once deleted."""
    return shown_name(user.name, user.deleted_at)


def shown_name(name: str, deleted_at) -> str:
    """``display_name`` from the two columns it reads (for queries that load rows, not users)."""
    return former_participant() if deleted_at is not None else name


def pseudonym(session_id: int, user_id: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"pseudonym:{session_id}:{user_id}".encode(), hashlib.sha256).digest()
    code = base64.b32encode(digest[:5]).decode()[:6]
    return _("Participant %(code)s", code=code)


def public_name(
    session_id: int, publish_names: bool, user_id: int, role: str, name: str, deleted: bool
) -> str:
    """The name shown in the published report and on the projector."""
    if deleted:
        return former_participant()
    if role in NAMED_ROLES or publish_names:
        return name
    return pseudonym(session_id, user_id)
