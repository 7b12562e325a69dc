"""Review pages and API: submit a version, read it, see what changed, comment, approve."""

import json

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from deliberate import jobs
from deliberate.access import MODERATING, REVIEWS, require_organiser, require_role
from deliberate.api import json_body
from deliberate.audit import services as audit
from deliberate.dbtypes import iso
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db
from deliberate.i18n import current_language
from deliberate.jobs import views as job_views
from deliberate.jobs.models import JobFile
from deliberate.reports.service import job_file
from deliberate.reports.views import send
from deliberate.review import jobs as review_jobs
from deliberate.review import services
from deliberate.review.models import ReportVersion
from deliberate.sessions.services import get_session
from deliberate.webdefences import allow_framing

REVIEWERS = MODERATING | REVIEWS

pages = Blueprint("review", __name__)
api = Blueprint("review_api", __name__, url_prefix="/api/v1/sessions")
csrf.exempt(api)


def register(app: Flask) -> None:
    app.register_blueprint(pages)
    app.register_blueprint(api)


def version_view(version: ReportVersion) -> dict:
    return {
        "number": version.number,
        "language": version.language,
        "status": version.status,
        "submitted_by": version.submitted_by.name,
        "submitted_at": iso(version.submitted_at),
        "decided_by": version.decided_by.name if version.decided_by else None,
        "decided_at": iso(version.decided_at),
        "decision_reason": version.decision_reason,
    }


def comment_view(entry) -> dict:
    return {
        "id": entry.id,
        "section": entry.section,
        "text": entry.text,
        "language": entry.language,
        "author": entry.author.name,
        "created_at": iso(entry.created_at),
    }


def _context(code: str):
    session = get_session(code)
    return session, require_role(current_user, session, REVIEWERS)


def submitted(session, role: str, language: object) -> ReportVersion:
    """Submit through a job and wait for it, cooperatively: the rooms keep moving meanwhile."""
    job = services.start_submit(current_user, role, session, language)
    db.session.commit()
    ended = jobs.wait(job["id"], current_app.config["JOB_WAIT"])
    if ended.state != "done":
        raise DomainError(
            ended.error_code or "conflict", ended.error_message or _("Still submitting; try again.")
        )
    return services.get_version(session, ended.result["version"], reports=False)


def reading(session, version: ReportVersion) -> dict:
    """``{previous, changes, sections}`` of a version (see ``_made_once``)."""
    return json.loads(_made_once(session, version, review_jobs.changes_key(session.id, version.number)))


def _made_once(session, version: ReportVersion, cache_key: str) -> bytes:
    """One of the files the changes job makes of a version: from the cache, or made once by the job
    and waited for cooperatively (a version never changes)."""
    for _attempt in range(2):  # the cached file may go between the look-up and the read
        file_id = jobs.cached_file(cache_key)
        if file_id is None:
            job = jobs.enqueue(
                review_jobs.CHANGES,
                session.id,
                version.number,
                key=review_jobs.changes_key(session.id, version.number),
                user_id=current_user.id,
                session_id=session.id,
                roles=REVIEWERS,
            )
            db.session.commit()
            ended = jobs.wait(job["id"], current_app.config["JOB_WAIT"])
            if ended.state != "done":
                raise DomainError(
                    ended.error_code or "conflict", ended.error_message or _("Still computing; try again.")
                )
            file_id = jobs.cached_file(cache_key)
        kept = db.session.get(JobFile, file_id) if file_id is not None else None
        if kept is not None:
            return kept.data
    raise DomainError("conflict", _("Still computing; try again."))


def rendered(session, version: ReportVersion, fmt: object, language: str, public: bool = False):
    """A version as a file, made by a job (cached per state) and waited for cooperatively."""
    job = services.start_render(current_user, session, version, fmt, language, public)
    db.session.commit()
    return send(job_file(jobs.wait(job["id"], current_app.config["JOB_WAIT"])), inline=fmt == "html")


# --- JSON API -------------------------------------------------------------------------------------


@api.route("/<code>/versions", methods=["GET"])
def api_versions(code: str):
    session, _role = _context(code)
    return jsonify({"versions": [version_view(v) for v in services.versions(session)]})


@api.route("/<code>/versions", methods=["POST"])
def api_submit(code: str):
    body = json_body()
    session, role = _context(code)
    language = body.get("lang", current_language())
    if request.args.get("wait") == "0":  # a page or script that follows the job's progress
        job = services.start_submit(current_user, role, session, language)
        db.session.commit()
        return job_views.answer(job["id"], 202)
    return jsonify({"version": version_view(submitted(session, role, language))}), 201


@api.route("/<code>/versions/<int:number>", methods=["GET"])
def api_version(code: str, number: int):
    session, _role = _context(code)
    version = services.get_version(session, number, reports=False)
    body = _made_once(session, version, review_jobs.body_key(session.id, version.number))
    # The version's live parts (status, comments), then its changes, sections and report as the job
    # serialised them: a report of megabytes is neither parsed nor serialised again in the loop.
    live = json.dumps(
        {"version": version_view(version), "comments": [comment_view(c) for c in version.comments]},
        ensure_ascii=False,
    )
    data = live[:-1].encode() + b"," + body.removeprefix(b"{")
    return current_app.response_class(data, mimetype="application/json")


@api.route("/<code>/versions/<int:number>/comments", methods=["POST"])
def api_comment(code: str, number: int):
    body = json_body()
    session, role = _context(code)
    version = services.get_version(session, number)
    entry = services.comment(current_user, role, version, body.get("section"), body.get("text"))
    db.session.commit()
    return jsonify({"comment": comment_view(entry)}), 201


@api.route("/<code>/versions/<int:number>/decision", methods=["POST"])
def api_decide(code: str, number: int):
    body = json_body()
    session, role = _context(code)
    version = services.decide(
        current_user, role, services.get_version(session, number), body.get("decision"), body.get("reason")
    )
    db.session.commit()
    return jsonify({"version": version_view(version)})


@api.route("/<code>/audit", methods=["GET"])
def api_audit(code: str):
    require_organiser(current_user)
    session = get_session(code)
    entries = audit.entries(session.id)
    return jsonify(
        {
            "entries": [
                {
                    "action": e.action,
                    "actor": e.actor.name if e.actor else None,
                    "detail": e.detail,
                    "created_at": iso(e.created_at),
                }
                for e in entries
            ]
        }
    )


# --- Pages ----------------------------------------------------------------------------------------


def _page_context(code: str):
    try:
        return _context(code)
    except DomainError as error:
        abort(error.status)


@pages.route("/s/<code>/review", methods=["GET", "POST"])
@login_required
def index(code: str):
    session, role = _page_context(code)
    if request.method == "POST":
        try:
            version = submitted(session, role, request.form.get("lang", current_language()))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Version %(n)s submitted for review.", n=version.number))
            return redirect(url_for("review.show", code=code, number=version.number))
    return render_template(
        "review/index.html",
        session=session,
        role=role,
        versions=services.versions(session),
        moderator=role in MODERATING,
    )


def _done_message(action: str | None, number: int) -> str:
    """What the review page says after it did what was asked (the page is reloaded, so it says it)."""
    if action == "comment":
        return _("Your comment was added.")
    if action == "approve":
        return _("Version %(n)s is approved and published.", n=number)
    return _("Version %(n)s goes back for changes.", n=number)


@pages.route("/s/<code>/review/<int:number>", methods=["GET", "POST"])
@login_required
def show(code: str, number: int):
    session, role = _page_context(code)
    try:
        version = services.get_version(session, number, reports=False)
    except DomainError:
        abort(404)
    if request.method == "POST":
        try:
            action = request.form.get("action")
            if action == "comment":
                services.comment(
                    current_user, role, version, request.form.get("section"), request.form.get("text")
                )
            else:
                services.decide(current_user, role, version, action, request.form.get("reason"))
            db.session.commit()
            flash(_done_message(action, version.number))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        return redirect(url_for("review.show", code=code, number=number))
    try:
        read = reading(session, version)
    except DomainError as error:
        abort(error.status)
    return render_template(
        "review/show.html",
        session=session,
        role=role,
        version=version,
        previous=read["previous"],
        changes=read["changes"],
        sections=read["sections"],
        reviewer=role in REVIEWS,
        latest=version.number == services.latest_number(session.id),
    )


@pages.route("/s/<code>/review/<int:number>/file")
@login_required
def file(code: str, number: int):
    session, _role = _page_context(code)
    allow_framing("'self'")  # the version page previews it in a frame
    try:
        version = services.get_version(session, number)
        return rendered(session, version, request.args.get("format", "html"), version.language)
    except DomainError as error:
        abort(error.status)
