"""The hall's projector: a secret link per question that needs no login, revocable by moderators.

Whoever holds the link sees what the hall sees (the top contributions, the themes, the countdown),
nothing more; the projector is not a person, so it never counts in presence.
"""

import secrets

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from deliberate.access import MODERATING
from deliberate.accounts.models import User
from deliberate.agenda.services import countdown_view
from deliberate.audit.services import record
from deliberate.clusters.models import Cluster
from deliberate.clusters.support import support, with_support
from deliberate.errors import forbidden, not_found
from deliberate.extensions import db
from deliberate.privacy.names import public_name
from deliberate.realtime import outbox
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import Question

TOP = 6
THEMES = 6


def projector_room(question_id: int) -> str:
    return f"projector{question_id}"


def by_token(token: object) -> Question:
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        raise not_found(_("This projector link does not exist or was revoked."))
    question = db.session.scalar(
        db.select(Question).where(Question.projector_token == token).options(selectinload(Question.session))
    )
    if question is None:
        raise not_found(_("This projector link does not exist or was revoked."))
    return question


def make_link(actor: User, role: str, question: Question) -> str:
    """The question's projector secret, made once and kept until revoked."""
    if role not in MODERATING:
        raise forbidden(_("Only moderators manage projector links."))
    if question.projector_token is None:
        question.projector_token = secrets.token_urlsafe(24)
        record("projector_link_made", actor, question.session_id, question=question.position)
        db.session.flush()
    return question.projector_token


def revoke_link(actor: User, role: str, question: Question) -> None:
    """Revoke the link: open projectors are told and stop; the link is refused from now on."""
    if role not in MODERATING:
        raise forbidden(_("Only moderators manage projector links."))
    if question.projector_token is None:
        return
    question.projector_token = None
    record("projector_link_revoked", actor, question.session_id, question=question.position)
    db.session.flush()
    outbox.publish_to([projector_room(question.id)], "projector_revoked", {"question_id": question.id})


def projector_state(question: Question, presence: int) -> dict:
    session = question.session
    rows = db.session.execute(
        db.select(Contribution, User.name, User.deleted_at)
        .join(User, User.id == Contribution.author_id)
        .where(Contribution.question_id == question.id, Contribution.hidden.is_(False))
        .order_by(Contribution.agree.desc(), Contribution.disagree, Contribution.id.desc())
        .limit(TOP)
    ).all()
    clusters = db.session.scalars(db.select(Cluster).where(Cluster.question_id == question.id)).all()
    figures = support(question.id)
    themes = sorted(
        (with_support(c, figures) for c in clusters),
        key=lambda c: (-c["supporters"], -c["agree"], c["label"]),
    )[:THEMES]
    return {
        "session": {"code": session.code, "languages": list(session.languages)},
        "question": {
            "id": question.id,
            "position": question.position,
            "status": question.status,
            "texts": {lang: question.localised_text(lang) for lang in session.languages},
        },
        "contributions": [
            {
                "id": c.id,
                "text": c.text,
                "language": c.language,
                "author": public_name(
                    session.id, session.publish_names, c.author_id, c.author_role, name, deleted is not None
                ),
                "agree": c.agree,
                "disagree": c.disagree,
            }
            for c, name, deleted in rows
        ],
        "themes": [
            {"id": t["id"], "label": t["label"], "supporters": t["supporters"], "agree": t["agree"]}
            for t in themes
        ],
        "countdown": countdown_view(question),
        "presence": presence,
    }
