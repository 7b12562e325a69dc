"""Socket event handlers: one decorator gives every event the same answer discipline.

Each handler parses its payload, checks the caller's role, calls one service and returns a dict; the
decorator commits (running the handler again if the database refused it as stale, see
``database.retrying``), answers ``{"ok": true, ...}``, and turns any failure into ``{"ok": false, "error"}``
after rolling back, so a bad payload never leaves a partial write.

Whatever fails, the client hears an answer. A database or Redis that cannot be reached answers
``unavailable`` (nothing was stored; the client sends the same payload again); what fails after the
commit (publishing, tally marks) is the outbox's to log, never the answer's (``realtime.outbox``).
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from deliberate.database import committed, roll_back_quietly
from deliberate.errors import DomainError, invalid, is_outage, unavailable
from deliberate.extensions import socketio

log = logging.getLogger(__name__)

# (event name, function) pairs, bound to each application's Socket.IO server by ``bind``.
HANDLERS: list[tuple[str, Callable]] = []
# What an event's ``lean`` is given (the socket's id, its payload) and returns (what to run, or None).
Lean = Callable[[str, Any], Callable[[dict], dict] | None]
LEAN: dict[str, Lean] = {}


class Fallback(Exception):
    """Raised by a lean event's work, before it writes: answer this event in a request context."""


def _logged_in() -> bool:
    return current_user.is_authenticated


def answer(
    name: str,
    run: Callable[[dict], dict],
    payload: Any,
    authenticated: Callable[[], bool],
    commit: bool = True,
) -> dict:
    """Every event's answer discipline: check, run and commit, then ``ok: true`` or ``ok: false``
    (``commit=False``: ``run`` commits what it writes itself, as a lean event's group commit does)."""
    try:
        if not isinstance(payload, dict):
            raise invalid(_("The payload must be a JSON object."))
        if not authenticated():
            raise DomainError("unauthenticated", _("Log in first."))

        drain = current_app.extensions.get("deliberate.drain")
        if drain is not None and not drain.enter():
            raise unavailable()  # shutting down: sent again once reconnected elsewhere
        try:
            result = committed(lambda: run(payload), socketio.sleep) if commit else run(payload)
            return {"ok": True, **result}
        finally:
            if drain is not None:
                drain.leave()
    except DomainError as error:
        roll_back_quietly()
        return {"ok": False, "error": error.as_dict()}
    except Fallback:
        roll_back_quietly()
        raise
    except Exception as error:
        roll_back_quietly()
        if is_outage(error):
            log.warning("socket event %s: %s", name, error)
            return {"ok": False, "error": unavailable().as_dict()}
        log.exception("socket event %s failed", name)
        message = _("The server could not do that.")
        return {"ok": False, "error": {"code": "invalid", "message": message}}


def handler(name: str, authenticated: Callable[[], bool] = _logged_in, lean: Lean | None = None) -> Callable:
    """Register a socket event whose answer is always an ack, ``ok: false`` with a code on failure.

    ``authenticated`` tells whether the caller is logged in (by default Flask-Login's user, loaded
    from the database; the vote asks the socket's remembered identity first, realtime/identity.py).

    ``lean`` (the vote's) answers the event without a request context when it can: Flask-SocketIO
    builds one per event (a Request, its URL matched, the session opened, the user loaded), which
    was a tenth of a vote's CPU. It is called in an application context with the socket's id and the
    payload, in the language the socket connected with, and returns the function to run in the
    answer discipline above, or None: the event then runs as any other, in a request context.
    Whatever it runs commits its own writes (the vote's go through the group commit), must not need
    ``request`` or ``current_user``, and may raise ``Fallback`` before writing anything to send the
    event down the ordinary path (Flask-SocketIO's ``_handle_event``, as ``on_event`` binds it)."""

    def decorate(function: Callable[[dict], dict]) -> Callable:
        @wraps(function)
        def wrapper(payload: Any = None, *_extra: Any) -> dict:
            return answer(name, function, payload, authenticated)

        HANDLERS.append((name, wrapper))
        if lean is not None:
            LEAN[name] = lean
        return wrapper

    return decorate


def connection_handler(name: str) -> Callable:
    """Register ``connect`` or ``disconnect`` (no ack, no payload).

    A client can send an ordinary event with either name, and Socket.IO would call the same handler
    (a forged ``disconnect`` used to make the server forget a live socket, which then outlived a
    demotion). While a real connection or disconnection is handled, the server holds the socket as
    pending; a forged one arrives on a fully connected socket, and is ignored.
    """

    def decorate(function: Callable) -> Callable:
        @wraps(function)
        def wrapper(*args: Any) -> Any:
            if socketio.server.manager.is_connected(request.sid, request.namespace or "/"):
                log.warning("ignored a client event named %r (reserved)", name)
                return None
            return function(*args)

        HANDLERS.append((name, wrapper))
        return wrapper

    return decorate


def bind(sio):
    """Bind every registered handler to ``sio``'s current server (once per application created)."""
    from deliberate.realtime import malformed

    for name, function in HANDLERS:
        sio.on_event(name, function)
        if name in LEAN:
            sio.server.on(name, _leanly(sio, name, LEAN[name], function))
    counter = malformed.MalformedPackets()
    malformed.install(sio, counter)
    return counter


def _leanly(sio, name: str, lean: Lean, function: Callable) -> Callable:
    """The Socket.IO server's handler of a lean event: see ``handler``."""

    def dispatch(sid: str, payload: Any = None, *extra: Any) -> Any:
        environ = sio.server.get_environ(sid, namespace="/")
        if environ:
            app = environ["flask.app"]
            with app.app_context():
                run = lean(sid, payload)
                if run is not None:
                    identities = app.extensions["deliberate.identities"]
                    try:
                        with force_locale(identities.language(sid)):
                            return answer(name, run, payload, lambda: True, commit=False)
                    except Fallback:
                        pass
        return sio._handle_event(function, name, "/", sid, payload, *extra)

    return dispatch
