"""HTTP API of opinion groups."""

from flask import Blueprint, Flask, jsonify
from flask_login import current_user

from deliberate.access import require_role
from deliberate.extensions import csrf
from deliberate.opinions import schedule, services
from deliberate.sessions.services import get_question

api = Blueprint("opinions_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)


def register(app: Flask) -> None:
    schedule.init_app(app)
    app.register_blueprint(api)
    app.jinja_env.globals["may_see_opinion_groups"] = services.may_see


@api.route("/questions/<int:question_id>/opinion-groups", methods=["GET"])
def opinion_groups(question_id: int):
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    services.require_may_see(role, question.session)
    return jsonify(services.view(services.stored(question.id), question.id, current_user))
