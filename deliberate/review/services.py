"""Review of the report: versions submitted by moderators, commented and decided by rapporteurs.

A version is a frozen snapshot of the report, numbered per session and kept forever. The approved
version is what registered participants read after the session.
"""

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from deliberate import validation
from deliberate.access import MODERATING, REVIEWS
from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.config import LANGUAGES
from deliberate.dbtypes import iso, utcnow
from deliberate.errors import DomainError, forbidden, not_found
from deliberate.extensions import db
from deliberate.reports.builder import build_report
from deliberate.review.models import ReportVersion, ReviewComment
from deliberate.sessions.models import PanelSession

DECISIONS = {"approve": "approved", "request_changes": "changes_requested"}


def versions(session: PanelSession) -> list[ReportVersion]:
    return db.session.scalars(
        db.select(ReportVersion).where(ReportVersion.session_id == session.id).order_by(ReportVersion.number)
    ).all()


def get_version(session: PanelSession, number: object) -> ReportVersion:
    number = validation.identifier(number, "version")
    version = db.session.scalar(
        db.select(ReportVersion).where(ReportVersion.session_id == session.id, ReportVersion.number == number)
    )
    if version is None:
        raise not_found(_("No such version."))
    return version


def previous(version: ReportVersion) -> ReportVersion | None:
    return db.session.scalar(
        db.select(ReportVersion)
        .where(ReportVersion.session_id == version.session_id, ReportVersion.number < version.number)
        .order_by(ReportVersion.number.desc())
        .limit(1)
    )


def approved_version(session: PanelSession) -> ReportVersion | None:
    return db.session.scalar(
        db.select(ReportVersion)
        .where(ReportVersion.session_id == session.id, ReportVersion.status == "approved")
        .order_by(ReportVersion.number.desc())
        .limit(1)
    )


def submit(actor: User, role: str, session: PanelSession, language: object) -> ReportVersion:
    """Freeze the current report as the next version, for the rapporteurs to review."""
    if role not in MODERATING:
        raise forbidden(_("Only moderators submit the report."))
    language = validation.choice(language, "lang", LANGUAGES)
    last = db.session.scalar(
        db.select(func.max(ReportVersion.number)).where(ReportVersion.session_id == session.id)
    )
    number = (last or 0) + 1
    snapshot = build_report(session, language)
    version = ReportVersion(
        session_id=session.id,
        number=number,
        language=language,
        snapshot=snapshot,
        status="submitted",
        submitted_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError:
        # Two submissions at the same moment took the same number: the second one tries again.
        raise DomainError(
            "conflict", _("Another version was submitted at the same moment; try again.")
        ) from None
    snapshot = {
        **snapshot,
        "version": {"number": number, "status": "submitted", "submitted_at": iso(version.submitted_at)},
    }
    version.snapshot = snapshot
    record("report_submitted", actor, session.id, version=number, language=language)
    db.session.flush()
    return version


def comment(actor: User, role: str, version: ReportVersion, section: object, text: object) -> ReviewComment:
    if role not in REVIEWS | MODERATING:
        raise forbidden(_("Only rapporteurs and moderators comment on the report."))
    section = validation.text(section, "section", max_length=40)
    if section not in sections(version.snapshot):
        raise DomainError("invalid", _("That section is not part of this version."))
    text = validation.text(text, "text", max_length=5000)
    entry = ReviewComment(version_id=version.id, author_id=actor.id, section=section, text=text)
    db.session.add(entry)
    record("report_commented", actor, version.session_id, version=version.number, section=section)
    db.session.flush()
    return entry


def decide(actor: User, role: str, version: ReportVersion, decision: object) -> ReportVersion:
    """Approve the version, or ask for changes; only the latest version can be decided."""
    if role not in REVIEWS:
        raise forbidden(_("Only rapporteurs approve or ask for changes."))
    decision = validation.choice(decision, "decision", tuple(DECISIONS))
    # Two rapporteurs deciding at once: the second waits here and then finds the version decided.
    db.session.refresh(version, with_for_update=True)
    latest = db.session.scalar(
        db.select(func.max(ReportVersion.number)).where(ReportVersion.session_id == version.session_id)
    )
    if version.number != latest:
        raise DomainError("conflict", _("A newer version has been submitted; review that one."))
    if version.status != "submitted":
        raise DomainError("conflict", _("This version has already been decided."))
    version.status = DECISIONS[decision]
    version.decided_by_id = actor.id
    version.decided_at = utcnow()
    version.snapshot = {
        **version.snapshot,
        "version": {**version.snapshot["version"], "status": version.status},
    }
    record(f"report_{version.status}", actor, version.session_id, version=version.number)
    db.session.flush()
    return version


def sections(report: dict) -> dict[str, str]:
    """The parts of a report a comment can be about: key -> title."""
    found = {"session": report["session"]["title"]}
    for question in report["questions"]:
        found[f"question-{question['position']}"] = f"{question['position']}. {question['text']}"
        for cluster in question["clusters"]:
            found[f"cluster-{cluster['id']}"] = f"{question['position']} · {cluster['label']}"
    return found
