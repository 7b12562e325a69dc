"""HTTP API of clusters: rename and synthesis, suggested themes, Markdown preview, coverage."""

from flask import Blueprint, Flask, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from deliberate import jobs, validation
from deliberate.access import MODERATING, require_role
from deliberate.api import json_body
from deliberate.clusters import jobs as clusters_jobs
from deliberate.clusters import services
from deliberate.clusters import synthesis as markdown
from deliberate.config import LANGUAGES
from deliberate.errors import DomainError, invalid
from deliberate.extensions import csrf, db
from deliberate.i18n import current_language
from deliberate.jobs import views as job_views
from deliberate.sessions.services import get_question

api = Blueprint("clusters_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)


def register(app: Flask) -> None:
    from deliberate.clusters import events  # noqa: F401  (adds the clustering events to the room's handlers)

    app.register_blueprint(api)


@api.route("/clusters/<int:cluster_id>", methods=["PATCH"])
def update_cluster(cluster_id: int):
    body = json_body()
    cluster = services.get_cluster(cluster_id)
    role = require_role(current_user, cluster.question.session)
    services.update_cluster(current_user, role, cluster, body)
    db.session.commit()
    return jsonify(services.with_support(cluster))


@api.route("/questions/<int:question_id>/cluster-suggestions", methods=["POST"])
def suggest(question_id: int):
    """Computed by a job. The contract's answer waits for it (cooperatively); ``?wait=0`` answers
    202 with the job at once, for a page that follows its progress."""
    question = get_question(question_id)
    require_role(current_user, question.session, MODERATING)
    job = jobs.enqueue(
        clusters_jobs.SUGGEST,
        question.id,
        current_user.id,
        key=f"suggest:{question.id}:{current_user.id}",
        user_id=current_user.id,
        session_id=question.session_id,
        roles=MODERATING,
    )
    db.session.commit()
    return _answer(job)


def _draft(kind: str, object_id: int, session):
    """A draft synthesis, computed by a job in the language asked for (``{"language": xx}``, one of the
    session's; the reader's by default)."""
    body = request.get_json(silent=True) or {}
    allowed = tuple(session.languages or LANGUAGES)
    language = body.get("language") or (current_language() if current_language() in allowed else allowed[0])
    if language not in allowed:
        raise invalid(_("language must be one of %(languages)s.", languages=", ".join(allowed)))
    job = jobs.enqueue(
        clusters_jobs.DRAFT,
        kind,
        object_id,
        current_user.id,
        key=f"draft:{kind}:{object_id}:{language}:{current_user.id}",
        user_id=current_user.id,
        session_id=session.id,
        roles=MODERATING,
        language=language,
    )
    db.session.commit()
    return _answer(job)


def _answer(job: dict):
    if request.args.get("wait") == "0":
        return job_views.answer(job["id"], 202)
    ended = jobs.wait(job["id"], current_app.config["JOB_WAIT"])
    if ended.state != "done":
        raise DomainError(
            ended.error_code or "conflict", ended.error_message or _("Still computing; try again.")
        )
    return jsonify(ended.result)


@api.route("/clusters/<int:cluster_id>/draft", methods=["POST"])
def cluster_draft(cluster_id: int):
    cluster = services.get_cluster(cluster_id)
    require_role(current_user, cluster.question.session, MODERATING)
    return _draft("cluster", cluster.id, cluster.question.session)


@api.route("/questions/<int:question_id>/draft", methods=["POST"])
def question_draft(question_id: int):
    question = get_question(question_id)
    require_role(current_user, question.session, MODERATING)
    return _draft("question", question.id, question.session)


@api.route("/questions/<int:question_id>/similar", methods=["POST"])
def similar(question_id: int):
    """What the room already says like ``text`` (a draft contribution), computed by a job."""
    body = json_body()
    question = get_question(question_id)
    require_role(current_user, question.session)
    text = validation.text(body.get("text"), "text", max_length=1000)
    job = jobs.enqueue(
        clusters_jobs.SIMILAR,
        question.id,
        text,
        current_user.id,
        user_id=current_user.id,
        session_id=question.session_id,
    )
    db.session.commit()
    return _answer(job)


@api.route("/questions/<int:question_id>/synthesis-preview", methods=["POST"])
def preview(question_id: int):
    body = json_body()
    question = get_question(question_id)
    require_role(current_user, question.session, MODERATING)
    text = validation.synthesis(body.get("markdown"))
    known = services.contribution_ids(question)
    unknown = [cid for cid in markdown.references(text) if cid not in known]
    # A #id that is not a contribution of this question stays plain text, and is named to the moderator.
    return jsonify({"html": markdown.render(text, known_ids=known), "unknown_references": unknown})


@api.route("/questions/<int:question_id>/coverage", methods=["GET"])
def coverage(question_id: int):
    question = get_question(question_id)
    require_role(current_user, question.session)
    return jsonify(services.coverage(question))
