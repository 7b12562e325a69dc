"""The agenda's HTTP API: make a question live, run its countdown."""

from flask import Blueprint, Flask, jsonify
from flask_login import current_user

from deliberate.access import require_role
from deliberate.agenda import services
from deliberate.api import json_body
from deliberate.extensions import csrf, db
from deliberate.i18n import current_language
from deliberate.sessions.services import get_question, get_session

api = Blueprint("agenda_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)


def register(app: Flask) -> None:
    from deliberate.agenda import events  # noqa: F401  (registers the socket event)

    app.register_blueprint(api)


@api.route("/sessions/<code>/agenda", methods=["GET"])
def show(code: str):
    session = get_session(code)
    require_role(current_user, session)
    return jsonify(services.agenda_view(session, current_language()))


@api.route("/sessions/<code>/live", methods=["PUT"])
def set_live(code: str):
    body = json_body()
    session = get_session(code)
    role = require_role(current_user, session)
    view = services.set_live(current_user, role, session, body.get("question_id"), current_language())
    db.session.commit()
    return jsonify(view)


@api.route("/questions/<int:question_id>/countdown", methods=["POST"])
def countdown(question_id: int):
    body = json_body()
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    view = services.countdown(
        current_user, role, question, body.get("action"), body.get("seconds"), body.get("auto_close")
    )
    db.session.commit()
    return jsonify(view)
