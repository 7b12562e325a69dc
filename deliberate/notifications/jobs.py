"""Telling every registered participant that the report is published: many rows, so it is a job."""

from deliberate.extensions import db
from deliberate.notifications.services import members, notify, session_params
from deliberate.sessions.models import PanelSession

READERS = ("attendee", "panelist")


def report_published(session_id: int, link: str) -> None:
    session = db.session.get(PanelSession, session_id)
    if session is None:
        return
    notify(members(session, READERS), "report_published", session, session_params(session), link)
    db.session.commit()
