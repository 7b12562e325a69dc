"""Organisers archive a session (read-only, see ``access.require_role``) and download all its data."""

from flask_babel import gettext as _
from sqlalchemy.orm import undefer

from deliberate.accounts.models import User
from deliberate.audit.models import AuditEntry
from deliberate.audit.services import record
from deliberate.clusters.models import Cluster
from deliberate.dbtypes import iso
from deliberate.errors import invalid
from deliberate.extensions import db
from deliberate.review.models import ReportVersion, ReviewComment
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import PanelSession, Registration


def set_archived(actor: User, session: PanelSession, archived: object) -> PanelSession:
    if not isinstance(archived, bool):
        raise invalid(_("Archiving must be true or false."))
    if session.archived != archived:
        session.archived = archived
        record("session_archived" if archived else "session_unarchived", actor, session.id, code=session.code)
        db.session.flush()
    return session


def session_data(session: PanelSession) -> dict:
    """Everything the database holds about the session, as plain JSON."""
    questions = session.questions
    question_ids = [q.id for q in questions]
    people = db.session.execute(
        db.select(User, Registration.role, Registration.created_at)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.session_id == session.id)
        .order_by(User.id)
    ).all()
    contributions = db.session.scalars(
        db.select(Contribution).where(Contribution.question_id.in_(question_ids)).order_by(Contribution.id)
    ).all()
    votes = db.session.execute(
        db.select(Vote.contribution_id, Vote.user_id, Vote.value, Vote.updated_at)
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .where(Contribution.question_id.in_(question_ids))
        .order_by(Vote.id)
    ).all()
    clusters = db.session.scalars(
        db.select(Cluster).where(Cluster.question_id.in_(question_ids)).order_by(Cluster.id)
    ).all()
    versions = db.session.scalars(
        db.select(ReportVersion)
        .options(undefer(ReportVersion.snapshot))
        .where(ReportVersion.session_id == session.id)
        .order_by(ReportVersion.number)
    ).all()
    comments = db.session.scalars(
        db.select(ReviewComment)
        .join(ReportVersion, ReportVersion.id == ReviewComment.version_id)
        .where(ReportVersion.session_id == session.id)
        .order_by(ReviewComment.id)
    ).all()
    audit = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.session_id == session.id).order_by(AuditEntry.id)
    ).all()
    return {
        "session": {
            "code": session.code,
            "title": session.title,
            "description": session.description,
            "summary": session.summary,
            "details": session.details,
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
            "timezone": session.timezone,
            "languages": session.languages,
            "original_language": session.original_language,
            "archived": session.archived,
            "publish_names": session.publish_names,
        },
        "questions": [
            {
                "id": q.id,
                "position": q.position,
                "text": q.text,
                "status": q.status,
                "synthesis": q.synthesis,
                "attribution": q.attribution,
            }
            for q in questions
        ],
        "participants": [
            {
                "id": u.id,
                "name": u.name,
                "email": u.email,
                "organisation": u.organisation,
                "role": role,
                "registered_at": iso(at),
            }
            for u, role, at in people
        ],
        "contributions": [
            {
                "id": c.id,
                "question_id": c.question_id,
                "author_id": c.author_id,
                "role": c.author_role,
                "text": c.text,
                "language": c.language,
                "hidden": c.hidden,
                "cluster_id": c.cluster_id,
                "agree": c.agree,
                "disagree": c.disagree,
                "created_at": iso(c.created_at),
            }
            for c in contributions
        ],
        "votes": [
            {"contribution_id": cid, "user_id": uid, "value": value, "at": iso(at)}
            for cid, uid, value, at in votes
        ],
        "clusters": [
            {"id": c.id, "question_id": c.question_id, "label": c.label, "synthesis": c.synthesis}
            for c in clusters
        ],
        "versions": [
            {
                "number": v.number,
                "language": v.language,
                "status": v.status,
                "decision_reason": v.decision_reason,
                "submitted_at": iso(v.submitted_at),
                "decided_at": iso(v.decided_at),
                "snapshot": v.snapshot,
            }
            for v in versions
        ],
        "review_comments": [
            {
                "version_id": c.version_id,
                "author_id": c.author_id,
                "section": c.section,
                "text": c.text,
                "language": c.language,
                "created_at": iso(c.created_at),
            }
            for c in comments
        ],
        "audit": [
            {"action": e.action, "actor_id": e.actor_id, "detail": e.detail, "created_at": iso(e.created_at)}
            for e in audit
        ],
    }
