"""Review of the report: versions submitted by moderators, commented and decided by rapporteurs.

A version is a frozen snapshot of the report, numbered per session and kept forever. The approved
version is what registered participants read after the session.
"""

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload, undefer

from deliberate import jobs, validation
from deliberate.access import MODERATING, REVIEWS
from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.config import LANGUAGES
from deliberate.dbtypes import iso, utcnow
from deliberate.errors import DomainError, forbidden, invalid, not_found
from deliberate.extensions import db
from deliberate.notifications import services as notifications
from deliberate.reports.builder import build_report
from deliberate.review.models import ReportVersion, ReviewComment
from deliberate.rooms import language as languages
from deliberate.sessions.models import PanelSession

DECISIONS = {"approve": "approved", "request_changes": "changes_requested"}
DETECTED_CHARACTERS = 1000  # a comment's language is told from its start (lingua: about 1 ms)


def versions(session: PanelSession) -> list[ReportVersion]:
    """The session's versions for a list: people loaded with them, the frozen reports left unread."""
    return db.session.scalars(
        db.select(ReportVersion)
        .options(
            joinedload(ReportVersion.submitted_by),
            joinedload(ReportVersion.decided_by),
        )
        .where(ReportVersion.session_id == session.id)
        .order_by(ReportVersion.number)
    ).all()


def latest_number(session_id: int) -> int | None:
    return db.session.scalar(
        db.select(db.func.max(ReportVersion.number)).where(ReportVersion.session_id == session_id)
    )


def get_version(session: PanelSession, number: object, reports: bool = True) -> ReportVersion:
    """Version ``number``; its frozen reports (megabytes of JSON on a large session) are read only when
    used: the snapshot with it unless ``reports`` is false, the other languages on first use."""
    number = validation.identifier(number, "version")
    frozen = [undefer(ReportVersion.snapshot)] if reports else []
    version = db.session.scalar(
        db.select(ReportVersion)
        .options(
            *frozen,
            # selectin, not joined: decide() refreshes the version FOR UPDATE, which PostgreSQL refuses
            # over the nullable side of an outer join (decided_by).
            selectinload(ReportVersion.submitted_by),
            selectinload(ReportVersion.decided_by),
            selectinload(ReportVersion.comments).selectinload(ReviewComment.author),
        )
        .where(ReportVersion.session_id == session.id, ReportVersion.number == number)
    )
    if version is None:
        raise not_found(_("No such version."))
    return version


def previous(version: ReportVersion) -> ReportVersion | None:
    return db.session.scalar(
        db.select(ReportVersion)
        .options(undefer(ReportVersion.snapshot))
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


def published_sessions(session_ids: list[int]) -> set[int]:
    """Which of these sessions have an approved (published) report."""
    if not session_ids:
        return set()
    return set(
        db.session.scalars(
            db.select(ReportVersion.session_id)
            .where(ReportVersion.session_id.in_(session_ids), ReportVersion.status == "approved")
            .distinct()
        )
    )


def start_submit(actor: User, role: str, session: PanelSession, language: object) -> dict:
    """Submit as a job (building the report in every language takes seconds on a large session);
    two identical submissions while one runs share it. Returns the job's view."""
    from deliberate.review.jobs import SUBMIT

    require_submitter(role)
    language = validation.choice(language, "lang", LANGUAGES)
    return jobs.enqueue(
        SUBMIT,
        session.id,
        actor.id,
        language,
        key=f"submit:{session.id}:{language}",
        user_id=actor.id,
        session_id=session.id,
        roles=MODERATING,
    )


def start_render(
    actor: User, session: PanelSession, version: ReportVersion, fmt: object, language: str, public: bool
) -> dict:
    """Render a version as a file, in a job (a PDF takes seconds); the caller has checked the role."""
    from deliberate.reports.renderers import FORMATS
    from deliberate.review.jobs import RENDER

    fmt = validation.choice(fmt, "format", tuple(FORMATS))
    language = validation.choice(language, "lang", LANGUAGES)
    readers = None if public else MODERATING | REVIEWS
    key = f"render:{session.id}:{version.number}:{version.status}:{fmt}:{language}:{int(public)}"
    return jobs.enqueue(
        RENDER,
        session.id,
        version.number,
        fmt,
        language,
        public,
        key=key,
        user_id=actor.id,
        session_id=session.id,
        roles=readers,
    )


def require_submitter(role: str | None) -> None:
    if role not in MODERATING:
        raise forbidden(_("Only moderators submit the report."))


def freeze(session: PanelSession, language: str) -> tuple[dict, dict[str, dict]]:
    """The current report in ``language`` and in every other language of the session (readers pick
    theirs), reporting progress per language: the seconds-long part of a submission."""
    others = [lang for lang in session.languages if lang != language]
    jobs.progress(0, len(others) + 1)
    snapshot = build_report(session, language)
    translations = {}
    for done, lang in enumerate(others, start=1):
        jobs.progress(done, len(others) + 1)
        translations[lang] = build_report(session, lang)
    return snapshot, translations


def submit(
    actor: User,
    role: str,
    session: PanelSession,
    language: object,
    frozen: tuple[dict, dict[str, dict]] | None = None,
) -> ReportVersion:
    """Freeze the current report as the next version, for the rapporteurs to review (in a job: see
    ``start_submit``). ``frozen``: what ``freeze`` returned, if the caller built it already."""
    require_submitter(role)
    language = validation.choice(language, "lang", LANGUAGES)
    snapshot, translations = frozen if frozen is not None else freeze(session, language)
    last = db.session.scalar(
        db.select(func.max(ReportVersion.number)).where(ReportVersion.session_id == session.id)
    )
    number = (last or 0) + 1
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
    version.translations = {
        lang: {**report, "version": snapshot["version"]} for lang, report in translations.items()
    }
    record("report_submitted", actor, session.id, version=number, language=language)
    db.session.flush()
    notifications.notify(
        notifications.members(session, ("rapporteur",)),
        "version_submitted",
        session,
        notifications.session_params(session, version=number),
        f"/s/{session.code}/review/{number}",
    )
    return version


def comment(actor: User, role: str, version: ReportVersion, section: object, text: object) -> ReviewComment:
    if role not in REVIEWS | MODERATING:
        raise forbidden(_("Only rapporteurs and moderators comment on the report."))
    section = validation.text(section, "section", max_length=40)
    if section not in sections(version.snapshot):
        raise DomainError("invalid", _("That section is not part of this version."))
    text = validation.text(text, "text", max_length=5000)
    session = db.session.get(PanelSession, version.session_id)
    language = languages.detect(
        text[:DETECTED_CHARACTERS], actor.language or session.original_language, session.languages
    )
    entry = ReviewComment(
        version_id=version.id, author_id=actor.id, section=section, text=text, language=language
    )
    db.session.add(entry)
    record("report_commented", actor, version.session_id, version=version.number, section=section)
    db.session.flush()
    return entry


def decide(
    actor: User, role: str, version: ReportVersion, decision: object, reason: object = None
) -> ReportVersion:
    """Approve the version, or ask for changes (with a reason, required); only the latest version can
    be decided. Moderators are told; once approved, every participant is told the report is out."""
    if role not in REVIEWS:
        raise forbidden(_("Only rapporteurs approve or ask for changes."))
    decision = validation.choice(decision, "decision", tuple(DECISIONS))
    if decision == "request_changes":
        if reason is None or (isinstance(reason, str) and not reason.strip()):
            raise invalid(_("Say which changes you ask for: the reason is required."))
        reason = validation.text(reason, "reason", max_length=5000)
    else:
        reason = validation.optional_text(reason, "reason", max_length=5000)
    # Two rapporteurs deciding at once: the second waits here and then finds the version decided.
    db.session.refresh(version, with_for_update=True)
    if version.number != latest_number(version.session_id):
        raise DomainError("conflict", _("A newer version has been submitted; review that one."))
    if version.status != "submitted":
        raise DomainError("conflict", _("This version has already been decided."))
    version.status = DECISIONS[decision]
    version.decision_reason = reason
    version.decided_by_id = actor.id
    version.decided_at = utcnow()
    version.snapshot = {
        **version.snapshot,
        "version": {**version.snapshot["version"], "status": version.status},
    }
    record(f"report_{version.status}", actor, version.session_id, version=version.number)
    db.session.flush()
    _tell_decision(version, reason)
    return version


def _tell_decision(version: ReportVersion, reason: str | None) -> None:
    session = db.session.get(PanelSession, version.session_id)
    staff = set(notifications.members(session, ("moderator",))) | {version.submitted_by_id}
    if version.status == "changes_requested":
        notifications.notify(
            staff,
            "changes_requested",
            session,
            notifications.session_params(session, version=version.number, reason=reason),
            f"/s/{session.code}/review/{version.number}",
        )
        return
    staff |= set(notifications.members(session, ("rapporteur",)))
    notifications.notify(
        staff,
        "version_approved",
        session,
        notifications.session_params(session, version=version.number),
        f"/s/{session.code}/report",
    )
    # Everyone else registered hears that the report is out: possibly thousands of rows, so a job.
    jobs.enqueue("deliberate.notifications.jobs.report_published", session.id, f"/s/{session.code}/report")


def in_language(version: ReportVersion, language: str) -> tuple[dict, str]:
    """The version's frozen report in ``language`` if it was frozen in it, else in its own; with the
    language it is in. The version facts (number, status) are the version's current ones."""
    reports = {version.language: version.snapshot, **(version.translations or {})}
    chosen = language if language in reports else version.language
    report = reports[chosen]
    facts = {**(report.get("version") or {}), "number": version.number, "status": version.status}
    return {**report, "version": facts}, chosen


def sections(report: dict) -> dict[str, str]:
    """The parts of a report a comment can be about: key -> title."""
    found = {"session": report["session"]["title"]}
    for question in report["questions"]:
        found[f"question-{question['position']}"] = f"{question['position']}. {question['text']}"
        for cluster in question["clusters"]:
            found[f"cluster-{cluster['id']}"] = f"{question['position']} · {cluster['label']}"
    return found
