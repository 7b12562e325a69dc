"""Personal data download, account deletion, and the organiser's archive and full download."""

import json

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from deliberate.access import require_organiser, require_user
from deliberate.api import json_body
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db
from deliberate.privacy import archive, services
from deliberate.sessions.services import get_session, sessions_of

pages = Blueprint("privacy", __name__)
api = Blueprint("privacy_api", __name__, url_prefix="/api/v1")
csrf.exempt(api)


def register(app: Flask) -> None:
    app.register_blueprint(pages)
    app.register_blueprint(api)


def download(data: dict, filename: str) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _my_data(code: str) -> Response:
    user = require_user(current_user)
    session = get_session(code)
    return download(services.personal_data(user, session), f"{session.code}-my-data.json")


@api.route("/sessions/<code>/my-data", methods=["GET"])
def api_my_data(code: str):
    return _my_data(code)


@pages.route("/s/<code>/my-data")
@login_required
def my_data(code: str):
    try:
        return _my_data(code)
    except DomainError as error:
        abort(error.status)


@api.route("/account", methods=["DELETE"])
def api_delete_account():
    body = json_body()
    user = require_user(current_user)
    services.delete_account(user, body.get("password"))
    db.session.commit()
    logout_user()
    return "", 204


@pages.route("/account", methods=["GET", "POST"])
@login_required
def account():
    if request.method == "POST":
        try:
            services.delete_account(current_user._get_current_object(), request.form.get("password"))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            logout_user()
            flash(_("Your account is deleted. Your contributions stay, attributed to a former participant."))
            return redirect(url_for("sessions.home"))
    return render_template("privacy/account.html", registered=sessions_of(current_user))


@api.route("/sessions/<code>/data", methods=["GET"])
def api_session_data(code: str):
    require_organiser(current_user)
    session = get_session(code)
    return download(archive.session_data(session), f"{session.code}-all-data.json")


@api.route("/sessions/<code>/archive", methods=["POST"])
def api_archive(code: str):
    body = json_body()
    actor = require_organiser(current_user)
    session = archive.set_archived(actor, get_session(code), body.get("archived", True))
    db.session.commit()
    return jsonify({"code": session.code, "archived": session.archived})


@pages.route("/s/<code>/archive", methods=["POST"])
@login_required
def archive_page(code: str):
    try:
        actor = require_organiser(current_user)
        session = archive.set_archived(actor, get_session(code), request.form.get("archived") == "1")
        db.session.commit()
    except DomainError as error:
        abort(error.status)
    flash(
        _("The session is archived: it is read-only.")
        if session.archived
        else _("The session is open again.")
    )
    return redirect(url_for("sessions.show", code=code))
