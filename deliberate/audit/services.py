from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from deliberate.accounts.models import User
from deliberate.audit.models import AuditEntry
from deliberate.extensions import db


def record(action: str, actor: User | None, session_id: int | None, **detail: Any) -> AuditEntry:
    """Append an audit entry in the caller's transaction (it commits or rolls back with the change)."""
    entry = AuditEntry(
        action=action, actor_id=actor.id if actor else None, session_id=session_id, detail=detail
    )
    db.session.add(entry)
    return entry


def entries(session_id: int, newest_first: bool = False, limit: int | None = None) -> list[AuditEntry]:
    """A session's audit log with each entry's actor loaded (two queries, however long the log)."""
    order = AuditEntry.id.desc() if newest_first else AuditEntry.id
    query = (
        select(AuditEntry)
        .where(AuditEntry.session_id == session_id)
        .options(selectinload(AuditEntry.actor))
        .order_by(order)
        .limit(limit)
    )
    return list(db.session.scalars(query))
