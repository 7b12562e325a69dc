"""HTTP API of clusters: rename and synthesis, suggested themes, Markdown preview, coverage."""

from flask import Blueprint, Flask, jsonify
from flask_login import current_user

from deliberate import validation
from deliberate.access import MODERATING, require_role
from deliberate.api import json_body
from deliberate.clusters import services
from deliberate.clusters import synthesis as markdown
from deliberate.extensions import csrf, db
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
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    found = services.suggestions(current_user, role, question)
    return jsonify(
        {"suggestions": [{"label": s.label, "contribution_ids": s.contribution_ids} for s in found]}
    )


@api.route("/questions/<int:question_id>/synthesis-preview", methods=["POST"])
def preview(question_id: int):
    body = json_body()
    question = get_question(question_id)
    require_role(current_user, question.session, MODERATING)
    return jsonify({"html": markdown.render(validation.synthesis(body.get("markdown")))})


@api.route("/questions/<int:question_id>/coverage", methods=["GET"])
def coverage(question_id: int):
    question = get_question(question_id)
    require_role(current_user, question.session)
    return jsonify(services.coverage(question))
