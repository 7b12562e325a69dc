"""Socket.IO events of a room. Each handler: parse, check the role, call a service; the decorator
commits and answers. Broadcasts leave through the outbox after the commit."""

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import join_room, leave_room

from deliberate import throttle
from deliberate.access import SEES_HIDDEN, refuse_if_archived, require_role
from deliberate.errors import DomainError
from deliberate.extensions import socketio
from deliberate.i18n import current_language
from deliberate.realtime.handlers import Fallback, connection_handler, handler
from deliberate.realtime.publisher import room, rooms, user_room
from deliberate.rooms import services
from deliberate.rooms.views_model import contribution_view
from deliberate.sessions.services import get_question
from deliberate.translation import retry as translation_retry


def _broadcaster():
    return current_app.extensions["deliberate.broadcaster"]


def _connections():
    return current_app.extensions["deliberate.connections"]


def _degraded() -> bool:
    """Redis is unreachable: this room hears only what this process sends (see realtime.link)."""
    link = current_app.extensions.get("deliberate.redis")
    return bool(link and link.down)


def rate_limit(kind: str, user_id: int | None = None) -> None:
    current_app.extensions[f"deliberate.rate.{kind}"].check(current_user.id if user_id is None else user_id)


def _identities():
    return current_app.extensions["deliberate.identities"]


def _known_socket() -> bool:
    return _identities().person(request.sid) is not None or current_user.is_authenticated


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
    if not connections.opened(current_user.id, request.sid):
        return False
    _identities().opened(request.sid, current_user.id, current_language())
    return True


@connection_handler("disconnect")
def disconnect(*_reason: Any) -> None:
    for question_id in _connections().closed(request.sid):
        _broadcaster().left(question_id, request.sid)
    _identities().closed(request.sid)


@handler("join")
def join(payload: dict) -> dict:
    throttle.hit("RATE_JOINS", "join", current_user.id)
    question = get_question(payload.get("question_id"))
    role = require_role(current_user, question.session)
    _identities().remember_role(request.sid, question.session_id, role)  # its votes need not look again
    audience = "staff" if role in SEES_HIDDEN else "public"
    # A socket that can apply a `contributions` batch says so; in a busy room it gets batches.
    batched = payload.get("batches") is True
    # In the room before the state is read: an event committed after the read reaches the socket (the
    # page applies it on top of the state by its seq), never falls between the two.
    leave_room(room(question.id, audience, batched=not batched))
    join_room(room(question.id, audience, batched=batched))
    state = services.room_state(question, current_user, role, current_language())
    if _connections().entered(request.sid, question.id):
        _broadcaster().joined(question.id, request.sid, current_user.id)
    state["presence"] = _broadcaster().presence(question.id)
    state["degraded"] = _degraded()
    state["role"] = role
    return {"state": state}


@handler("leave")
def leave(payload: dict) -> dict:
    question = get_question(payload.get("question_id"))
    for name in rooms(question.id):
        leave_room(name)
    if _connections().exited(request.sid, question.id):
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


class _Unremembered(DomainError):
    """This socket has not voted in that session yet: its role is checked as every event's is."""

    def __init__(self) -> None:
        super().__init__("forbidden", "")  # never answered: the event checks the role instead


def _vote_write(contribution_id: object, value: object, voter: int, role_for: Callable) -> dict:
    target = services.vote_target(contribution_id)
    role = role_for(target)
    agree, disagree = services.vote(
        services.Voter(voter), role, target, value, admit=lambda: rate_limit("votes", voter)
    )
    return {"contribution_id": target.id, "agree": agree, "disagree": disagree}


def _remembered(sid: str) -> Callable[[services.VoteTarget], str]:
    identities = _identities()

    def role_for(target: services.VoteTarget) -> str:
        role = identities.role(sid, target.session_id)
        if role is None:
            raise _Unremembered()
        refuse_if_archived(target.archived)
        return role

    return role_for


def _lean_vote(sid: str, _payload: Any) -> Callable[[dict], dict] | None:
    """A socket that knows its person votes without a request context (realtime/handlers.py), and
    without a user or registration query (realtime/identity.py); the others vote as below."""
    identities = _identities()
    voter = identities.person(sid)
    group = current_app.extensions.get("deliberate.group_commit")
    if voter is None or group is None:
        return None

    def run(payload: dict) -> dict:
        contribution_id, value = payload.get("contribution_id"), payload.get("value")
        role_for = _remembered(sid)
        # Votes arriving together share one transaction (deliberate/group_commit.py): this one is
        # answered once that has committed, its refusals in its socket's language. The event itself
        # reads nothing from the database.
        order = contribution_id if isinstance(contribution_id, int) else 0
        try:
            return group.run(
                lambda: _vote_write(contribution_id, value, voter, role_for),
                order=order,
                language=identities.language(sid),
            )
        except _Unremembered:
            raise Fallback() from None  # its first vote in this session: the role is checked below

    return run


@handler("vote", authenticated=_known_socket, lean=_lean_vote)
def vote(payload: dict) -> dict:
    # The person and their role as this socket learnt them (realtime/identity.py): no user or
    # registration query per vote. The first vote of a socket in a session checks as every event does.
    identities, sid = _identities(), request.sid
    contribution_id, value = payload.get("contribution_id"), payload.get("value")

    def checked(target: services.VoteTarget) -> str:
        role = require_role(current_user, target.session_id)
        identities.remember_role(sid, target.session_id, role)
        return role

    voter = identities.person(sid)
    if voter is not None and current_app.extensions.get("deliberate.group_commit") is None:
        try:
            return _vote_write(contribution_id, value, voter, _remembered(sid))
        except _Unremembered:
            pass
    return _vote_write(contribution_id, value, current_user.id, checked)  # in this event's own transaction


@handler("moderate")
def moderate(payload: dict) -> dict:
    contribution = services.get_contribution(payload.get("contribution_id"))
    role = require_role(current_user, contribution.question.session)
    # A hidden contribution does not exist for those who cannot see it: answering "forbidden" for it
    # and "not_found" for a missing id would tell them which hidden ids exist.
    services.get_contribution(contribution.id, role)
    services.moderate(current_user, role, contribution, payload.get("action"), payload.get("reason"))
    return {}
