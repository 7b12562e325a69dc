from typing import Any

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
