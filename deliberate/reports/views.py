"""The report as a download (API) and, once approved, as a page for registered participants."""

from flask import Blueprint, Flask, Response, abort, render_template, request
from flask_login import current_user, login_required

from deliberate.access import EXPORTS, require_role, role_in
from deliberate.api import file_response, json_body
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db
from deliberate.i18n import asked_language, current_language
from deliberate.jobs import views as job_views
from deliberate.reports import service
from deliberate.review import services as review
from deliberate.sessions.services import get_session

api = Blueprint("reports_api", __name__, url_prefix="/api/v1/sessions")
pages = Blueprint("reports", __name__)
csrf.exempt(api)


def register(app: Flask) -> None:
    app.register_blueprint(api)
    app.register_blueprint(pages)


def send(report: service.ReportFile, inline: bool = False) -> Response:
    return file_response(report.data, report.media_type, report.filename, inline)


@api.route("/<code>/report", methods=["GET"])
def export(code: str):
    session = get_session(code)
    require_role(current_user, session, EXPORTS)
    language = request.args.get("lang") or current_language()
    # Built by a job; this request waits for it cooperatively, so the rooms keep moving.
    fmt, translations = request.args.get("format", "html"), request.args.get("translations")
    return send(service.export_file(current_user.id, session, fmt, language, translations))


@api.route("/<code>/exports", methods=["POST"])
def start_export(code: str):
    """Start an export job (or join the identical one running): 202 with the job, to follow."""
    body = json_body()
    session = get_session(code)
    require_role(current_user, session, EXPORTS)
    job = service.start_export(
        current_user.id,
        session,
        body.get("format", "html"),
        body.get("lang") or current_language(),
        body.get("translations", False),
    )
    db.session.commit()
    return job_views.answer(job["id"], 202)


@pages.route("/s/<code>/report")
@login_required
def published(code: str):
    """The approved version, for every registered participant; its formats as downloads."""
    try:
        session = get_session(code)
    except DomainError:
        abort(404)
    if role_in(current_user, session) is None:
        abort(403)
    version = review.approved_version(session)
    fmt = request.args.get("format")
    language = asked_language()
    if version is not None and fmt:
        # The frozen data of the version in the reader's language (if the session has it), headings in
        # the reader's language, attendees under pseudonyms unless the organiser publishes names.
        from deliberate.review.views import rendered

        try:
            return rendered(session, version, fmt, language, public=True)
        except DomainError as error:
            abort(error.status)
    return render_template(
        "reports/published.html",
        session=session,
        version=version,
        formats=list(service.FORMATS),
        report_language=language,
    )
