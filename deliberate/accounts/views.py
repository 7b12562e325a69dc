"""Sign-up, log-in and log-out, as pages and as the JSON API."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from deliberate import mail
from deliberate.access import require_user
from deliberate.accounts import services, verification
from deliberate.accounts.forms import LoginForm, SignupForm
from deliberate.api import json_body
from deliberate.errors import DomainError
from deliberate.extensions import csrf, db, limiter
from deliberate.i18n import current_language
from deliberate.throttle import account_key, config_limit, person_key

pages = Blueprint("accounts", __name__)
api = Blueprint("accounts_api", __name__, url_prefix="/api/v1/auth")
csrf.exempt(api)


def safe_next(default: str) -> str:
    """Only same-site paths: ``next`` must never send someone to another site after logging in."""
    return _safe_path(request.values.get("next")) or default


def _safe_path(target: object) -> str:
    """``target`` when it is a path of this site, else ""."""
    if not isinstance(target, str):
        return ""
    # Browsers and Werkzeug drop control characters and read backslashes as slashes, so "/\t/evil"
    # and "/\\evil" would leave the site: only plain paths are followed.
    if any(ord(ch) < 0x21 or ch == "\\" for ch in target):
        return ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return ""


LOGIN_LIMITS = (
    limiter.limit(config_limit("RATE_LOGIN_IP"), methods=["POST"]),
    limiter.limit(config_limit("RATE_LOGIN_ACCOUNT"), key_func=account_key, methods=["POST"]),
)
SIGNUP_LIMIT = limiter.limit(config_limit("RATE_SIGNUP_IP"), methods=["POST"])
VERIFICATION_LIMIT = limiter.limit(config_limit("RATE_VERIFICATION_MAILS"), key_func=person_key)


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
        values = (form.email.data, form.name.data, form.password.data)
        extra = {"organisation": form.organisation.data, "language": form.language.data}
        try:
            if current_app.config["SIGNUP_CONFIRM"]:
                fields = services.signup_fields(*values, **extra)
                services.start_signup({**fields, "next": safe_next("")}, verification.base_url())
                db.session.commit()
                return render_template("accounts/check_email.html", email=fields["email"]), 202
            user = services.create_user(*values, **extra)
            mailed = send_verification_if_possible(user)
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
            if mailed:
                flash(_("We sent you a link to confirm your e-mail address."))
            return redirect(safe_next(url_for("sessions.home")))
    return render_template("accounts/signup.html", form=form), 400 if form.errors else 200


def send_verification_if_possible(user, next_path: str = "") -> bool:
    """After a sign-up: the verification mail when this server sends mail (and nothing otherwise)."""
    if not mail.enabled():
        return False
    verification.send_verification(user, verification.base_url(), next_path)
    return True


@pages.route("/signup/<token>")
def finish_signup(token: str):
    """The link of a sign-up by mail first: the account is made now, its address verified."""
    fields = verification.signup_fields(token)
    user = services.finish_signup(token)
    db.session.commit()
    login_user(user)
    flash(_("Your account is ready and your e-mail address verified."))
    return redirect(_safe_path(fields.get("next")) or url_for("sessions.home"))


@pages.route("/verify/<token>")
def verify(token: str):
    user = verification.verify(token)
    db.session.commit()
    flash(_("Your e-mail address is verified."))
    target = safe_next(url_for("sessions.home"))
    if not current_user.is_authenticated or current_user.id != user.id:
        return redirect(url_for("accounts.login", next=target))
    return redirect(target)


@pages.route("/verify", methods=["POST"])
@login_required
@VERIFICATION_LIMIT
def resend_verification():
    try:
        verification.send_verification(current_user, verification.base_url(), safe_next(""))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("We sent you a link to confirm your e-mail address."))
    return redirect(safe_next(url_for("sessions.home")))


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
    values = (body.get("email"), body.get("name"), body.get("password"))
    extra = {"organisation": body.get("organisation"), "language": body.get("language")}
    if current_app.config["SIGNUP_CONFIRM"]:
        # The same answer whether or not the address has an account: only its owner learns which.
        fields = services.signup_fields(*values, **extra)
        services.start_signup({**fields, "next": _safe_path(body.get("next"))}, verification.base_url())
        db.session.commit()
        return jsonify({"status": "check_email"}), 202
    user = services.create_user(*values, **extra)
    send_verification_if_possible(user)
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


@api.route("/verification", methods=["POST"])
@VERIFICATION_LIMIT
def api_send_verification():
    body = json_body()
    user = require_user(current_user)
    verification.send_verification(user, verification.base_url(), _safe_path(body.get("next")))
    db.session.commit()
    return jsonify({"status": "sent"}), 202


@api.route("/verify", methods=["POST"])
def api_verify():
    body = json_body()
    user = verification.verify(body.get("token"))
    db.session.commit()
    return jsonify({"user": user.as_dict()})


@api.route("/me", methods=["GET"])
def api_me():
    if not current_user.is_authenticated:
        raise DomainError("unauthenticated", _("Log in first."))
    return jsonify({"user": current_user.as_dict()})
