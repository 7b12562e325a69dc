"""The room page, the projector view and the room's HTTP API."""

from flask import Blueprint, Flask, abort, jsonify, render_template
from flask_login import current_user, login_required

from deliberate.access import MODERATING, SEES_HIDDEN, may_cluster, require_role, role_in
from deliberate.api import json_body
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db, limiter
from deliberate.i18n import asked_language, current_language
from deliberate.join.views import join_url as join_link
from deliberate.join.views import qr_svg as qr
from deliberate.rooms import services
from deliberate.rooms.ratelimit import RateLimiter
from deliberate.sessions.models import Question
from deliberate.sessions.services import get_question, get_session
from deliberate.throttle import config_limit, person_key
from deliberate.webdefences import allow_framing

pages = Blueprint("rooms", __name__)
api = Blueprint("rooms_api", __name__, url_prefix="/api/v1/questions")
csrf.exempt(api)


def register(app: Flask) -> None:
    from deliberate.rooms import events  # noqa: F401  (registers the room's socket handlers)

    app.register_blueprint(pages)
    app.register_blueprint(api)
    for kind in ("posts", "votes"):
        app.extensions[f"deliberate.rate.{kind}"] = RateLimiter(
            app.config[f"RATE_{kind.upper()}"], app.config[f"RATE_{kind.upper()}_WINDOW"]
        )


def _question_or_404(code: str, position: int) -> Question:
    try:
        session = get_session(code)
    except DomainError:
        abort(404)
    question = next((q for q in session.questions if q.position == position), None)
    if question is None:
        abort(404)
    return question


@pages.route("/s/<code>/q/<int:position>")
@login_required
def room(code: str, position: int):
    question = _question_or_404(code, position)
    role = role_in(current_user, question.session)
    if role is None:
        return render_template("sessions/register.html", session=question.session)
    return render_template(
        "rooms/room.html",
        question=question,
        session=question.session,
        role=role,
        moderator=role in MODERATING,
        sees_hidden=role in SEES_HIDDEN,
        may_cluster=may_cluster(role, question.session),
        language=current_language(),
    )


@pages.route("/s/<code>/q/<int:position>/projector")
@login_required
def projector(code: str, position: int):
    question = _question_or_404(code, position)
    role = role_in(current_user, question.session)
    if role is None:
        abort(403)
    # Only this page may be framed by other sites, and only if the organiser allows it.
    if question.session.projector_embeddable:
        allow_framing("*")
    # The question's join link (sign up and register in one step); DELIBERATE_PUBLIC_URL behind a proxy.
    join_url = join_link(question.session, question.position)
    qr_svg = qr(join_url, scale=8)
    return render_template(
        "rooms/projector.html",
        question=question,
        session=question.session,
        role=role,
        join_url=join_url,
        qr_svg=qr_svg,
    )


@api.route("/<int:question_id>/state", methods=["GET"])
@limiter.limit(config_limit("RATE_STATE_READS"), key_func=person_key)
def state(question_id: int):
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    return jsonify(services.room_state(question, current_user, role, asked_language()))


@api.route("/<int:question_id>", methods=["PATCH"])
def update(question_id: int):
    body = json_body()
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    services.update_question(current_user, role, question, body, current_language())
    db.session.commit()
    return jsonify(services.question_view(question, current_language()))
