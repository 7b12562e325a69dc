"""Jobs of the opinion groups area (run by the job layer, outside the server's event loop)."""

from deliberate.extensions import db
from deliberate.opinions import services
from deliberate.realtime import outbox


def recompute(question_id: int) -> dict:
    """Recompute one question's groups if its votes changed, and tell its room (those who may see
    fetch them: what each person sees, "your group" included, depends on who they are)."""
    row, changed = services.recompute(question_id)
    if changed:
        outbox.publish(question_id, "opinion_groups", {"question_id": question_id, "version": row.version})
    db.session.commit()
    return {"question_id": question_id, "version": row.version, "recomputed": changed}
