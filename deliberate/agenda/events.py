"""Socket event ``follow``: a page follows a session's agenda (live question, countdowns)."""

from flask import current_app
from flask_login import current_user
from flask_socketio import join_room

from deliberate.access import require_role
from deliberate.agenda import services, ticker
from deliberate.extensions import socketio
from deliberate.i18n import current_language
from deliberate.realtime.handlers import handler
from deliberate.realtime.publisher import session_room
from deliberate.sessions.services import get_session


@handler("follow")
def follow(payload: dict) -> dict:
    session = get_session(payload.get("session"))
    require_role(current_user, session)
    join_room(session_room(session.id))
    ticker.start(current_app._get_current_object(), socketio)
    return {"agenda": services.agenda_view(session, current_language())}
