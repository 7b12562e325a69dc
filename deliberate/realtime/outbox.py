"""Events wait in the database session's outbox and leave only once its transaction has committed.

A rolled-back change therefore never reaches a room, and a room never hears of a change before the
database can show it to a client that reloads.
"""

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from deliberate import aftercommit
from deliberate.extensions import db
from deliberate.realtime.publisher import rooms

_KEY = aftercommit.register("deliberate.outbox")
_SEQ = "deliberate.seq"

log = logging.getLogger(__name__)


def _outbox() -> list[Callable[[], None]]:
    return aftercommit.waiting(db.session, _KEY)


def counted(question_id: int, seq: int) -> None:
    """The transaction counted change ``seq`` of the question's room (``rooms.services.bump_seq``)."""
    db.session.info.setdefault(_SEQ, {})[question_id] = seq


def publish(question_id: int, name: str, payload: dict[str, Any], audience: str = "all") -> None:
    """Send ``name`` to the question's room (``audience``: all, public or staff) after commit.

    An event of a change the room counted carries its ``seq``: a page that sees a number missing for a
    few seconds (an event lost with Redis, a process that died) fetches the room again.

    Contributions go through the room's batcher (batches in a busy room); any other event first sends
    what the batcher holds for the room, so that the room hears its events in order.
    """
    seq = db.session.info.get(_SEQ, {}).get(question_id)
    if seq is not None:
        payload = {**payload, "seq": seq}
    batcher = current_app.extensions["deliberate.batcher"]
    if name == "contribution":
        _outbox().append(lambda: batcher.send(question_id, payload, audience))
        return
    publisher = current_app.extensions["deliberate.publisher"]
    to = rooms(question_id, audience)

    def send() -> None:
        batcher.before(question_id)
        publisher.emit(name, payload, to)

    _outbox().append(send)


def publish_to(to: list[str], name: str, payload: dict[str, Any]) -> None:
    """Send ``name`` to the rooms ``to`` (a session's, a person's) after commit."""
    publisher = current_app.extensions["deliberate.publisher"]
    _outbox().append(lambda: publisher.emit(name, payload, to))


def tallies_changed(question_id: int, contribution_ids: list[int]) -> None:
    """Mark tallies as changed; the broadcaster sends them in its next coalesced batch."""
    broadcaster = current_app.extensions["deliberate.broadcaster"]
    _outbox().append(lambda: broadcaster.mark_tallies(question_id, contribution_ids))


def after_commit(send: Callable[[], None]) -> None:
    """Run ``send`` once the transaction commits (dropped on rollback), like every event here."""
    _outbox().append(send)


def memberships_changed(user_id: int) -> None:
    """End the person's live connections once the change is committed; they join again with it.

    The request row commits with the change, so the processes that did not make it (or a running
    server, when the change comes from the command line) close that person's sockets too.
    """
    from sqlalchemy import inspect

    from deliberate.realtime.models import DisconnectRequest

    connections = current_app.extensions["deliberate.connections"]
    request = DisconnectRequest(user_id=user_id)
    db.session.add(request)

    def end() -> None:
        identity = inspect(request).identity
        connections.end_all(user_id, identity[0] if identity else None)

    _outbox().append(end)


@event.listens_for(Session, "after_commit")
def _send(session) -> None:
    """Each send is on its own: a failing one (Redis down, say) is logged and the others still go.

    The change is committed by then, so a failure here must not turn its answer into an error: the
    rooms converge from the stored state (a reconnect, the next tally of that contribution).
    """
    if session.in_nested_transaction():
        return  # SQLAlchemy also calls after_commit when a SAVEPOINT is released: not committed yet
    pending = session.info.pop(_KEY, [])
    session.info.pop(_SEQ, None)
    for send in pending:
        try:
            send()
        except Exception:
            log.exception("an event after a commit could not be sent")


@event.listens_for(Session, "after_soft_rollback")
def _discard(session, previous_transaction) -> None:
    """The whole transaction went (a SAVEPOINT's events are aftercommit's to trim): so does its seq."""
    if aftercommit.savepoint_of(previous_transaction) is None:
        session.info.pop(_SEQ, None)
