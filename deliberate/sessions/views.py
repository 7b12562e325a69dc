"""Home page, joining a session by its code, the session page, and the session API."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from deliberate import validation
from deliberate.access import MODERATING, require_role, require_user, role_in
from deliberate.api import json_body
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db
from deliberate.i18n import asked_language, current_language
from deliberate.sessions import exclusions, services

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


@api.route("/<code>/exclusions", methods=["GET"])
def api_exclusions(code: str):
    session = services.get_session(code)
    require_role(require_user(current_user), session, MODERATING)
    return jsonify({"excluded": [_person(u) for u in exclusions.excluded(session)]})


@api.route("/<code>/exclusions", methods=["POST"])
def api_exclude(code: str):
    body = json_body()
    session = services.get_session(code)
    actor = require_user(current_user)
    require_role(actor, session, MODERATING)
    user = _person_named(body)
    exclusions.exclude(session, user, actor)
    db.session.commit()
    return jsonify({"excluded": _person(user)}), 201


@api.route("/<code>/exclusions/<int:user_id>", methods=["DELETE"])
def api_readmit(code: str, user_id: int):
    session = services.get_session(code)
    actor = require_user(current_user)
    require_role(actor, session, MODERATING)
    exclusions.readmit(session, exclusions.user_by_id(user_id), actor)
    db.session.commit()
    return "", 204


def _person(user) -> dict:
    return {"user_id": user.id, "email": user.email, "name": user.name}


def _person_named(body: dict):
    from deliberate.accounts.services import find_by_email

    if body.get("user_id") is not None:
        return exclusions.user_by_id(validation.identifier(body.get("user_id"), "user_id"))
    user = find_by_email(body["email"]) if isinstance(body.get("email"), str) else None
    if user is None:
        raise DomainError("not_found", _("There is no account with that e-mail address."))
    return user
