"""Translations of syntheses, confirmed by a moderator or rapporteur: the HTTP API and the page."""

from flask import Blueprint, Flask, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from deliberate.access import require_role
from deliberate.api import json_body
from deliberate.clusters.services import get_cluster
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db
from deliberate.sessions.services import get_question, get_session
from deliberate.translation import services

api = Blueprint("translation_api", __name__, url_prefix="/api/v1")
pages = Blueprint("translation", __name__)
csrf.exempt(api)


def register(app: Flask) -> None:
    app.register_blueprint(api)
    app.register_blueprint(pages)


@pages.route("/s/<code>/translations", methods=["GET", "POST"])
@login_required
def syntheses(code: str):
    """Every synthesis with its translations: edit one and confirm it for the published report."""
    try:
        session = get_session(code)
        role = require_role(current_user, session, services.CONFIRMS)
    except DomainError as error:
        abort(error.status)
    if request.method == "POST":
        form = request.form
        try:
            row = services.confirm_in_session(
                current_user,
                role,
                session,
                form.get("kind"),
                form.get("object_id", type=int),
                form.get("language"),
                form.get("text"),
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("translation.syntheses", code=code))
        flash(_("Translation confirmed."))
        anchor = f"{row.kind}-{row.object_id}-{row.language}"
        return redirect(url_for("translation.syntheses", code=code, _anchor=anchor))
    return render_template(
        "translation/syntheses.html", session=session, syntheses=services.syntheses_of(session)
    )


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
