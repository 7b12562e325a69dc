"""The projector page (no login), its state, and the moderators' link management."""

from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_socketio import join_room

from deliberate.access import require_role
from deliberate.agenda import ticker
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db, socketio
from deliberate.join.views import join_url, qr_svg
from deliberate.projector import services
from deliberate.realtime.publisher import room, session_room
from deliberate.sessions.services import get_question
from deliberate.webdefences import allow_framing

pages = Blueprint("projector", __name__)
api = Blueprint("projector_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)


def register(app: Flask) -> None:
    app.register_blueprint(pages)
    app.register_blueprint(api)


def _presence(question_id: int) -> int:
    return current_app.extensions["deliberate.broadcaster"].presence(question_id)


@pages.route("/p/<token>")
def page(token: str):
    try:
        question = services.by_token(token)
    except DomainError:
        abort(404)
    if question.session.projector_embeddable:
        allow_framing("*")
    link = join_url(question.session, question.position)
    return render_template(
        "projector/page.html",
        question=question,
        session=question.session,
        token=token,
        join_link=link,
        qr=qr_svg(link, scale=8),
    )


@api.route("/projector/<token>", methods=["GET"])
def state(token: str):
    question = services.by_token(token)
    return jsonify(services.projector_state(question, _presence(question.id)))


@api.route("/questions/<int:question_id>/projector-link", methods=["POST"])
def make_link(question_id: int):
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    token = services.make_link(current_user, role, question)
    db.session.commit()
    return jsonify({"url": request.host_url.rstrip("/") + url_for("projector.page", token=token)})


@api.route("/questions/<int:question_id>/projector-link", methods=["DELETE"])
def revoke_link(question_id: int):
    question = get_question(question_id)
    role = require_role(current_user, question.session)
    services.revoke_link(current_user, role, question)
    db.session.commit()
    return "", 204


def connect(auth: object) -> bool:
    """An anonymous socket is a projector if it brings a valid link; it joins what the hall sees
    (the public room, the session's agenda) and is never counted in presence."""
    token = auth.get("projector") if isinstance(auth, dict) else None
    try:
        question = services.by_token(token)
    except DomainError:
        return False
    join_room(room(question.id, "public"))
    join_room(session_room(question.session_id))
    join_room(services.projector_room(question.id))
    app = current_app._get_current_object()
    app.extensions["deliberate.broadcaster"].start(socketio)
    ticker.start(app, socketio)
    return True
