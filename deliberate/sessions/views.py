"""Home page, joining a session by its code, the session page, and the session API."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from deliberate.access import require_role, require_user, role_in
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db
from deliberate.i18n import asked_language, current_language
from deliberate.sessions import services

pages = Blueprint("sessions", __name__)
api = Blueprint("sessions_api", __name__, url_prefix="/api/v1/sessions")
csrf.exempt(api)


@pages.route("/")
def home():
    from deliberate.review.services import published_sessions

    registered = services.sessions_of(current_user) if current_user.is_authenticated else []
    published = published_sessions([s.id for s, _role in registered])
    return render_template("sessions/home.html", registered=registered, published=published)


@pages.route("/join", methods=["POST"])
@login_required
def join():
    code = (request.form.get("code") or "").strip().lower()
    try:
        session = services.get_session(code)
    except DomainError:
        flash(_("There is no session with the code %(code)s.", code=code), "error")
        return redirect(url_for("sessions.home"))
    return redirect(url_for("sessions.show", code=session.code))


@pages.route("/s/<code>")
@login_required
def show(code: str):
    session = services.get_session(code)
    role = role_in(current_user, session)
    if role is None:
        return render_template("sessions/register.html", session=session)
    from deliberate.join.links import session_page_extras

    return render_template(
        "sessions/show.html",
        session=session,
        role=role,
        language=current_language(),
        **session_page_extras(session, role),
    )


@pages.route("/s/<code>/register", methods=["POST"])
@login_required
def register(code: str):
    session = services.get_session(code)
    services.register(current_user, session)
    db.session.commit()
    flash(_("You are registered for this session."))
    return redirect(url_for("sessions.show", code=session.code))


@api.route("/<code>/register", methods=["POST"])
def api_register(code: str):
    user = require_user(current_user)
    session = services.get_session(code)
    role, created = services.register(user, session)
    db.session.commit()
    return jsonify({"role": role}), 201 if created else 200


@api.route("/<code>", methods=["GET"])
def api_show(code: str):
    user = require_user(current_user)
    session = services.get_session(code)
    role = require_role(user, session)
    view = services.session_view(session, asked_language())
    view["role"] = role
    return jsonify(view)
