"""Joining from a short link or a QR code: one page shows the session and signs a person up (or logs
them in) and registers them in the same step, then lands them in the live question.

``/j/CODE`` is the session's short link; ``/j/CODE/N`` the link of question N (the projector's QR).
"""

import segno
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from deliberate import mail
from deliberate.access import role_in
from deliberate.accounts import services as accounts
from deliberate.accounts import verification
from deliberate.accounts.views import LOGIN_LIMITS, SIGNUP_LIMIT, throttled
from deliberate.agenda.services import live_question
from deliberate.errors import DomainError
from deliberate.extensions import db
from deliberate.i18n import current_language
from deliberate.sessions import services as sessions
from deliberate.sessions.models import PanelSession

pages = Blueprint("join", __name__)


def register(app: Flask) -> None:
    app.register_blueprint(pages)


def join_url(session: PanelSession, position: int | None = None) -> str:
    """The absolute short link (DELIBERATE_PUBLIC_URL behind a proxy, else the request's address)."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for("join.page", code=session.code, position=position)


def qr_svg(url: str, scale: int = 6) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff")


def _landing(session: PanelSession, position: int | None) -> str:
    """Where a registered person goes: the question of the link, else the live one, else the session."""
    if position is None:
        live = live_question(session)
        position = live.position if live else None
    if position is not None and "rooms" in current_app.blueprints:
        return url_for("rooms.room", code=session.code, position=position)
    return url_for("sessions.show", code=session.code)


def _session(code: str, position: int | None) -> PanelSession:
    try:
        session = sessions.get_session(code)
    except DomainError:
        abort(404)
    if position is not None and position not in {q.position for q in session.questions}:
        abort(404)
    return session


@pages.route("/j/<code>", methods=["GET", "POST"], defaults={"position": None})
@pages.route("/j/<code>/<int:position>", methods=["GET", "POST"])
# It signs up and logs in too: the same throttles as the sign-up and log-in pages.
@throttled(SIGNUP_LIMIT, *LOGIN_LIMITS)
def page(code: str, position: int | None):
    session = _session(code, position)
    if current_user.is_authenticated and role_in(current_user, session) is not None:
        return redirect(_landing(session, position))
    error = None
    if request.method == "POST":
        try:
            if _signing_up_by_mail(request.form.get("mode")):
                return _start_signup_by_mail(), 202
            user = _account(request.form.get("mode"))
            if session.requires_verified_email and user.email_verified_at is None:
                return _verify_first(user)
            sessions.register(user, session)
            db.session.commit()
        except DomainError as failure:
            db.session.rollback()
            error = failure.message
        else:
            login_user(user)
            return redirect(_landing(session, position))
    return render_template(
        "join/page.html",
        session=session,
        position=position,
        error=error,
        mode=request.form.get("mode", "signup"),
        form=request.form,
        language=current_language(),
    ), 400 if error else 200


def _signing_up_by_mail(mode: str | None) -> bool:
    return mode != "login" and not current_user.is_authenticated and current_app.config["SIGNUP_CONFIRM"]


def _start_signup_by_mail() -> str:
    """Sign-up by mail first: the mail's link makes the account and comes back to this page."""
    form = request.form
    fields = accounts.signup_fields(
        form.get("email", ""), form.get("name", ""), form.get("password", ""), language=current_language()
    )
    accounts.start_signup({**fields, "next": request.path}, verification.base_url())
    db.session.commit()
    return render_template("accounts/check_email.html", email=fields["email"])


def _verify_first(user):
    """A session for verified addresses only: the account is kept, logged in, and mailed its link;
    opening it comes back here and registers."""
    mailed = mail.enabled()
    if mailed:
        verification.send_verification(user, verification.base_url(), request.path)
    db.session.commit()
    login_user(user)
    return render_template("join/verify_first.html", email=user.email, mailed=mailed), 403


def _account(mode: str | None):
    """The person joining: already logged in, logging in, or signing up (in the page's language)."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    form = request.form
    if mode == "login":
        try:
            return accounts.authenticate(form.get("email", ""), form.get("password", ""))
        except DomainError:
            raise DomainError("unauthenticated", _("Wrong e-mail address or password.")) from None
    return accounts.create_user(
        form.get("email", ""), form.get("name", ""), form.get("password", ""), language=current_language()
    )
