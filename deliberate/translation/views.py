"""HTTP API of translations: a moderator's or rapporteur's own, confirmed translation of a synthesis."""

from flask import Blueprint, Flask, jsonify
from flask_login import current_user

from deliberate.access import require_role
from deliberate.api import json_body
from deliberate.clusters.services import get_cluster
from deliberate.extensions import csrf, db
from deliberate.sessions.services import get_question
from deliberate.translation import services

api = Blueprint("translation_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)


def register(app: Flask) -> None:
    app.register_blueprint(api)


@api.route("/questions/<int:question_id>/synthesis/translations/<language>", methods=["PUT"])
def confirm_question_synthesis(question_id: int, language: str):
    body = json_body()
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    row = services.confirm(current_user, role, "question_synthesis", question.id, language, body.get("text"))
    db.session.commit()
    return jsonify({"language": row.language, **services.view(row)})


@api.route("/clusters/<int:cluster_id>/synthesis/translations/<language>", methods=["PUT"])
def confirm_cluster_synthesis(cluster_id: int, language: str):
    body = json_body()
    cluster = get_cluster(cluster_id)
    role = require_role(current_user, cluster.question.session)
    row = services.confirm(current_user, role, "cluster_synthesis", cluster.id, language, body.get("text"))
    db.session.commit()
    return jsonify({"language": row.language, **services.view(row)})
