"""What waits in a database session until its transaction commits: room events (realtime/outbox.py)
and jobs to queue (jobs/__init__.py), each in a list of its own in ``session.info``.

A rollback of the whole transaction empties every list. A SAVEPOINT's rollback (``begin_nested``
that failed, or a flush failing inside it) cuts each list back to its length when the SAVEPOINT
began: what the transaction did before it still commits, so its events and jobs must still go.
"""

from typing import Any

from flask_sqlalchemy.session import Session
from sqlalchemy import event

_MARKS = "deliberate.savepoint-marks"
_KEYS: list[str] = []  # every list's key in session.info


def register(key: str) -> str:
    """``key`` names a list that waits for the commit (and is emptied or trimmed on rollback)."""
    if key not in _KEYS:
        _KEYS.append(key)
    return key


def waiting(session, key: str) -> list[Any]:
    return session.info.setdefault(key, [])


@event.listens_for(Session, "after_transaction_create")
def _savepoint(session, transaction) -> None:
    if transaction.nested:
        lengths = {key: len(session.info.get(key, ())) for key in _KEYS}
        session.info.setdefault(_MARKS, {})[transaction] = lengths


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction: its savepoints' marks go with it
        session.info.pop(_MARKS, None)


def savepoint_of(transaction):
    """The SAVEPOINT that ``transaction`` (a flush's subtransaction, say) belongs to; None when its
    rollback is the whole transaction's."""
    while transaction is not None and not transaction.nested:
        transaction = transaction.parent
    return transaction


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:
    # SQLAlchemy tells of a failed flush's rollback, then of its SAVEPOINT's: the first one cuts.
    savepoint = savepoint_of(previous_transaction)
    if savepoint is None:
        for key in _KEYS:
            session.info.pop(key, None)
        return
    for key, length in session.info.get(_MARKS, {}).get(savepoint, {}).items():
        del session.info.get(key, [])[length:]
