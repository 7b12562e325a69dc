"""Sign-up, log-in and log-out, as pages and as the JSON API."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from deliberate.access import require_user
from deliberate.accounts import services
from deliberate.accounts.forms import LoginForm, SignupForm
from deliberate.api import json_body
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db, limiter
from deliberate.i18n import current_language
from deliberate.throttle import account_key, config_limit

pages = Blueprint("accounts", __name__)
api = Blueprint("accounts_api", __name__, url_prefix="/api/v1/auth")
csrf.exempt(api)


def safe_next(default: str) -> str:
    """Only same-site paths: ``next`` must never send someone to another site after logging in."""
    target = request.values.get("next") or ""
    # Browsers and Werkzeug drop control characters and read backslashes as slashes, so "/\t/evil"
    # and "/\\evil" would leave the site: only plain paths are followed.
    if any(ord(ch) < 0x21 or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


LOGIN_LIMITS = (
    limiter.limit(config_limit("RATE_LOGIN_IP"), methods=["POST"]),
    limiter.limit(config_limit("RATE_LOGIN_ACCOUNT"), key_func=account_key, methods=["POST"]),
)
SIGNUP_LIMIT = limiter.limit(config_limit("RATE_SIGNUP_IP"), methods=["POST"])


def throttled(*limits):
    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate


@pages.route("/signup", methods=["GET", "POST"])
@SIGNUP_LIMIT
def signup():
    form = SignupForm()
    if request.method == "GET":
        form.language.data = current_language()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data,
                form.name.data,
                form.password.data,
                organisation=form.organisation.data,
                language=form.language.data,
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.email.errors.append(
                _("An account with this e-mail address already exists.")
                if error.code == "conflict"
                else error.message
            )
        else:
            login_user(user)
            return redirect(safe_next(url_for("sessions.home")))
    return render_template("accounts/signup.html", form=form), 400 if form.errors else 200


@pages.route("/login", methods=["GET", "POST"])
@throttled(*LOGIN_LIMITS)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError:
            form.password.errors.append(_("Wrong e-mail address or password."))
        else:
            login_user(user)
            return redirect(safe_next(url_for("sessions.home")))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@pages.route("/logout", methods=["POST"])
@login_required
def logout():
    services.log_out(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("sessions.home"))


@api.route("/signup", methods=["POST"])
@SIGNUP_LIMIT
def api_signup():
    body = json_body()
    user = services.create_user(
        body.get("email"),
        body.get("name"),
        body.get("password"),
        organisation=body.get("organisation"),
        language=body.get("language"),
    )
    db.session.commit()
    login_user(user)
    return jsonify({"user": user.as_dict()}), 201


@api.route("/login", methods=["POST"])
@throttled(*LOGIN_LIMITS)
def api_login():
    body = json_body()
    user = services.authenticate(body.get("email"), body.get("password"))
    login_user(user)
    return jsonify({"user": user.as_dict()})


@api.route("/logout", methods=["POST"])
def api_logout():
    json_body()
    if current_user.is_authenticated:
        services.log_out(current_user)
        db.session.commit()
    logout_user()
    return "", 204


@api.route("/password", methods=["POST"])
def api_password():
    body = json_body()
    user = require_user(current_user)
    services.change_password(user, body.get("current_password"), body.get("new_password"))
    db.session.commit()
    login_user(user)  # this browser stays logged in, with the new version; every other login ends
    return "", 204


@api.route("/me", methods=["GET"])
def api_me():
    if not current_user.is_authenticated:
        raise DomainError("unauthenticated", _("Log in first."))
    return jsonify({"user": current_user.as_dict()})
