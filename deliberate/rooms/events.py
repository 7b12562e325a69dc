"""Socket.IO events of a room. Each handler: parse, check the role, call a service; the decorator
commits and answers. Broadcasts leave through the outbox after the commit."""

from collections import defaultdict
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import join_room, leave_room

from deliberate import throttle
from deliberate.access import SEES_HIDDEN, require_role
from deliberate.errors import DomainError
from deliberate.extensions import socketio
from deliberate.i18n import current_language
from deliberate.realtime.handlers import connection_handler, handler
from deliberate.realtime.publisher import room, user_room
from deliberate.rooms import services
from deliberate.rooms.views_model import contribution_view
from deliberate.sessions.services import get_question
from deliberate.translation import retry as translation_retry

# Which questions each socket of this process has joined, to tell presence when it disconnects.
_joined: dict[str, set[int]] = defaultdict(set)


def _broadcaster():
    return current_app.extensions["deliberate.broadcaster"]


def rate_limit(kind: str) -> None:
    current_app.extensions[f"deliberate.rate.{kind}"].check(current_user.id)


@connection_handler("connect")
def connect(auth: Any = None) -> bool:
    if not current_user.is_authenticated:
        from deliberate.projector.views import connect as projector

        return projector(auth)  # a projector link's socket, or refused
    try:
        # A script that reconnects as fast as it can (each connection closed for a broken packet, or
        # refused beyond the socket cap) costs a handshake and a log-in check each time.
        throttle.hit("RATE_CONNECTS", "connect", current_user.id)
    except DomainError:
        return False
    _broadcaster().start(socketio)
    translation_retry.start(current_app._get_current_object(), socketio)
    join_room(user_room(current_user.id))  # the person's notifications, on every process
    connections = current_app.extensions["deliberate.connections"]
    connections.start_polling(
        current_app._get_current_object(), socketio, current_app.config["DISCONNECT_POLL_SECONDS"]
    )
    # One person holding hundreds of sockets would count as hundreds in presence and load the room.
    return connections.opened(current_user.id, request.sid)


@connection_handler("disconnect")
def disconnect(*_reason: Any) -> None:
    for question_id in _joined.pop(request.sid, set()):
        _broadcaster().left(question_id, request.sid)
    current_app.extensions["deliberate.connections"].closed(request.sid)


@handler("join")
def join(payload: dict) -> dict:
    throttle.hit("RATE_JOINS", "join", current_user.id)
    question = get_question(payload.get("question_id"))
    role = require_role(current_user, question.session)
    state = services.room_state(question, current_user, role, current_language())
    join_room(room(question.id, "staff" if role in SEES_HIDDEN else "public"))
    if question.id not in _joined[request.sid]:
        _joined[request.sid].add(question.id)
        _broadcaster().joined(question.id, request.sid)
    state["presence"] = _broadcaster().presence(question.id)
    state["role"] = role
    return {"state": state}


@handler("leave")
def leave(payload: dict) -> dict:
    question = get_question(payload.get("question_id"))
    for audience in ("public", "staff"):
        leave_room(room(question.id, audience))
    if question.id in _joined.get(request.sid, set()):
        _joined[request.sid].discard(question.id)
        _broadcaster().left(question.id, request.sid)
    return {}


@handler("post")
def post(payload: dict) -> dict:
    question = get_question(payload.get("question_id"))
    role = require_role(current_user, question.session)
    contribution, _created = services.post(
        current_user,
        role,
        question,
        payload.get("text"),
        payload.get("client_id"),
        payload.get("language"),
        admit=lambda: rate_limit("posts"),
    )
    return {"contribution": contribution_view(contribution)}


@handler("vote")
def vote(payload: dict) -> dict:
    target = services.vote_target(payload.get("contribution_id"))
    role = require_role(current_user, target.session_id)
    agree, disagree = services.vote(
        current_user, role, target, payload.get("value"), admit=lambda: rate_limit("votes")
    )
    return {"contribution_id": target.id, "agree": agree, "disagree": disagree}


@handler("moderate")
def moderate(payload: dict) -> dict:
    contribution = services.get_contribution(payload.get("contribution_id"))
    role = require_role(current_user, contribution.question.session)
    # A hidden contribution does not exist for those who cannot see it: answering "forbidden" for it
    # and "not_found" for a missing id would tell them which hidden ids exist.
    services.get_contribution(contribution.id, role)
    services.moderate(current_user, role, contribution, payload.get("action"), payload.get("reason"))
    return {}
