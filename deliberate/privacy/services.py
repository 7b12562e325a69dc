"""A person's data: download what they wrote and voted, delete their account. Services flush.

Deleting an account empties the person's row rather than removing it: their contributions stay in the
rooms and reports (the discussion would not make sense without them), attributed to "a former
participant"; their votes stay as counts; their registrations and notifications go.
"""

from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.dbtypes import iso, utcnow
from deliberate.errors import DomainError
from deliberate.extensions import db
from deliberate.notifications.models import Notification
from deliberate.realtime import outbox
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import PanelSession, Question, Registration


def personal_data(user: User, session: PanelSession) -> dict:
    """Everything ``user`` wrote and voted in ``session``, and what the session knows of them."""
    registration = db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.session_id == session.id)
    )
    contributions = db.session.execute(
        db.select(Contribution, Question.position)
        .join(Question, Question.id == Contribution.question_id)
        .where(Question.session_id == session.id, Contribution.author_id == user.id)
        .order_by(Contribution.id)
    ).all()
    votes = db.session.execute(
        db.select(Vote, Question.position)
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .join(Question, Question.id == Contribution.question_id)
        .where(Question.session_id == session.id, Vote.user_id == user.id)
        .order_by(Vote.id)
    ).all()
    notifications = db.session.scalars(
        db.select(Notification)
        .where(Notification.user_id == user.id, Notification.session_id == session.id)
        .order_by(Notification.id)
    ).all()
    return {
        "account": {
            "name": user.name,
            "email": user.email,
            "organisation": user.organisation,
            "language": user.language,
            "created_at": iso(user.created_at),
        },
        "session": {"code": session.code, "title": dict(session.title)},
        "registration": None
        if registration is None
        else {"role": registration.role, "created_at": iso(registration.created_at)},
        "contributions": [
            {
                "id": c.id,
                "question": position,
                "text": c.text,
                "language": c.language,
                "created_at": iso(c.created_at),
                "hidden": c.hidden,
                "agree": c.agree,
                "disagree": c.disagree,
            }
            for c, position in contributions
        ],
        "votes": [
            {
                "contribution_id": v.contribution_id,
                "question": position,
                "value": v.value,
                "at": iso(v.updated_at),
            }
            for v, position in votes
            if v.value != 0
        ],
        "notifications": [
            {
                "kind": n.kind,
                "params": n.params,
                "created_at": iso(n.created_at),
                "read": n.read_at is not None,
            }
            for n in notifications
        ],
    }


def delete_account(user: User, password: object) -> None:
    """Delete the person's account, after they confirm with their password."""
    if (
        not isinstance(password, str)
        or not user.password_hash
        or not check_password_hash(user.password_hash, password)
    ):
        raise DomainError("forbidden", _("Confirm with your password to delete your account."))
    if user.deleted_at is not None:
        return
    sessions = db.session.scalars(
        db.select(Registration.session_id).where(Registration.user_id == user.id)
    ).all()
    db.session.execute(db.delete(Registration).where(Registration.user_id == user.id))
    db.session.execute(db.delete(Notification).where(Notification.user_id == user.id))
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.name = ""
    user.organisation = None
    user.password_hash = None
    user.is_organiser = False
    user.deleted_at = utcnow()
    for session_id in sessions:
        record("account_deleted", None, session_id)
    outbox.memberships_changed(user.id)
    db.session.flush()
