"""Notifying people: one row per person (kept until read) and a live ``notification`` event to all of
their open pages, on every process (their personal room, through the message queue).

Rows are written in the caller's transaction and the events leave after its commit (the outbox), so a
change that rolls back tells nobody. Each person reads the text in their own language.
"""

from collections.abc import Iterable

from flask_babel import gettext as _

from deliberate.accounts.models import User
from deliberate.config import LANGUAGES
from deliberate.dbtypes import iso, utcnow
from deliberate.errors import invalid
from deliberate.extensions import db
from deliberate.notifications import messages
from deliberate.notifications.models import Notification
from deliberate.realtime import outbox
from deliberate.realtime.publisher import user_room
from deliberate.sessions.models import PanelSession, Registration

EXCERPT = 80
LIST_SIZE = 20


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def language_of(user: User, session: PanelSession | None) -> str:
    if user.language in LANGUAGES:
        return user.language
    return session.original_language if session is not None else "en"


def view(notification: Notification, language: str) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": messages.text(notification.kind, notification.params, language),
        "link": notification.link,
        "created_at": iso(notification.created_at),
        "read": notification.read_at is not None,
    }


def notify(
    user_ids: Iterable[int], kind: str, session: PanelSession | None, params: dict, link: str | None = None
) -> list[Notification]:
    """Tell each person (deleted accounts excepted) that ``kind`` happened."""
    assert kind in messages.KINDS, kind
    ids = sorted(set(user_ids))
    if not ids:
        return []
    people = db.session.scalars(db.select(User).where(User.id.in_(ids), User.deleted_at.is_(None))).all()
    made = []
    for person in people:
        entry = Notification(
            user_id=person.id,
            session_id=session.id if session is not None else None,
            kind=kind,
            params=params,
            link=link,
            created_at=utcnow(),
        )
        db.session.add(entry)
        made.append((person, entry))
    db.session.flush()
    for person, entry in made:
        outbox.publish_to([user_room(person.id)], "notification", view(entry, language_of(person, session)))
    return [entry for _, entry in made]


def session_params(session: PanelSession, **extra) -> dict:
    return {"session": session.code, "titles": dict(session.title), **extra}


def members(session: PanelSession, roles: Iterable[str]) -> list[int]:
    return list(
        db.session.scalars(
            db.select(Registration.user_id).where(
                Registration.session_id == session.id, Registration.role.in_(tuple(roles))
            )
        )
    )


def unread(user: User) -> list[Notification]:
    return db.session.scalars(
        db.select(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.id.desc())
        .limit(LIST_SIZE)
    ).all()


def unread_count(user: User) -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def recent(user: User) -> list[Notification]:
    return db.session.scalars(
        db.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc())
        .limit(LIST_SIZE)
    ).all()


def mark_read(user: User, ids: object = None) -> int:
    """Mark the person's notifications read: those in ``ids``, or all of them."""
    query = db.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise invalid(_("Give the notifications as a list of their ids."))
        query = query.where(Notification.id.in_(ids))
    return db.session.execute(query.values(read_at=utcnow())).rowcount
