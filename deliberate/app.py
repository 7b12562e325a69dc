"""The application factory."""

import os
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from deliberate import api as api_errors
from deliberate import formatting, translation, webdefences
from deliberate.config import load_config
from deliberate.cookies import RememberedCookieSessions
from deliberate.database import engine_options, init_database, normalise_url, retrying, roll_back_quietly
from deliberate.errors import DomainError, outage_types, unavailable
from deliberate.extensions import babel, csrf, db, limiter, login_manager, socketio
from deliberate.i18n import LANGUAGE_NAMES, current_language, select_locale
from deliberate.paths import resource_dir


class Deliberate(Flask):
    def dispatch_request(self):
        """A view runs again when the database refused its transaction as stale (see ``retrying``):
        the request's throttles and checks ran once, before it."""
        return retrying(super().dispatch_request, socketio.sleep)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    instance_path = os.environ.get("DELIBERATE_INSTANCE_PATH") or (config or {}).get("INSTANCE_PATH")
    app = Deliberate(
        "deliberate",
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(config or {})
    app.json.sort_keys = False
    app.session_interface = RememberedCookieSessions()  # decoded once per cookie, not per socket event
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(resource_dir("translations"))

    db.init_app(app)
    init_database(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _init_socketio(app)
    translation.init_app(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    webdefences.init_app(app)
    _register_template_helpers(app)

    @app.get("/healthz")
    def healthz():
        drain = app.extensions.get("deliberate.drain")
        if drain is not None and drain.draining:
            return jsonify({"status": "draining"}), 503
        return jsonify({"status": "ok"})

    return app


def _init_socketio(app: Flask) -> None:
    from deliberate import asyncmode
    from deliberate.realtime import setup as realtime_setup

    socketio.init_app(
        app,
        async_mode=app.config.get("ASYNC_MODE") or asyncmode.MODE,
        # Always given (None without a queue): the shared extension keeps its options between apps.
        client_manager=realtime_setup.client_manager(app),
        cors_allowed_origins=app.config["CORS_ALLOWED_ORIGINS"],
        max_http_buffer_size=app.config["MAX_HTTP_BUFFER_SIZE"],
        # Handlers read the login from the cookie on every event; they never write the session.
        manage_session=False,
        ping_interval=25,
        ping_timeout=20,
    )
    realtime_setup.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from deliberate.accounts import views as accounts
    from deliberate.agenda import views as agenda
    from deliberate.clusters import views as clusters
    from deliberate.jobs import views as job_views
    from deliberate.join import views as join
    from deliberate.notifications import views as notifications
    from deliberate.opinions import views as opinions
    from deliberate.privacy import views as privacy
    from deliberate.projector import views as projector
    from deliberate.realtime import handlers
    from deliberate.reports import views as reports
    from deliberate.review import views as review
    from deliberate.rooms import views as rooms
    from deliberate.sessions import organiser
    from deliberate.sessions import views as sessions
    from deliberate.translation import views as translation_views

    for blueprint in (accounts.pages, accounts.api, sessions.pages, sessions.api, organiser.bp):
        app.register_blueprint(blueprint)
    rooms.register(app)
    translation_views.register(app)
    clusters.register(app)
    opinions.register(app)
    reports.register(app)
    job_views.register(app)
    review.register(app)
    agenda.register(app)
    join.register(app)
    notifications.register(app)
    privacy.register(app)
    projector.register(app)
    app.extensions["deliberate.malformed"] = handlers.bind(socketio)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if api_errors.wants_json():
            return api_errors.handle_domain_error(error)
        return render_template("error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if api_errors.wants_json():
            return api_errors.error_response("forbidden", api_errors.csrf_message(), 403)
        return render_template("error.html", status=400, message=api_errors.csrf_message()), 400

    def outage(error: Exception):
        app.logger.warning("%s %s: %s", request.method, request.path, error)
        roll_back_quietly()
        refusal = unavailable()
        if api_errors.wants_json():
            return api_errors.handle_domain_error(refusal)
        return render_template("error.html", status=503, message=refusal.message), 503

    # A database or Redis that cannot be reached: 503 `unavailable` (retry), not a 500.
    for kind in outage_types():
        app.register_error_handler(kind, outage)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if api_errors.wants_json():
            return api_errors.handle_http_error(error)
        message = api_errors.http_message(error)
        return render_template("error.html", status=error.code, message=message), error.code


def _register_template_helpers(app: Flask) -> None:
    from deliberate.accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        # "id:version": a cookie issued before the person's last log-out or new password names an old
        # version and no longer logs anyone in (a bare id is such an old cookie too).
        user_key, _sep, version = user_id.partition(":")
        if not user_key.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_key))
        return user if user is not None and user.session_version == int(version) else None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import redirect, url_for

        if api_errors.wants_json():
            return api_errors.error_response("unauthenticated", _("Log in first."), 401)
        # The language asked for goes along: the redirect translated nothing, so it was not remembered.
        return redirect(url_for("accounts.login", next=request.full_path, lang=request.args.get("lang")))

    formatting.install(app)

    @app.context_processor
    def template_globals():
        from deliberate.labels import (
            action_names,
            audit_details,
            change_names,
            detail_names,
            role_names,
            status_names,
        )

        return {
            "language": current_language(),
            "language_names": LANGUAGE_NAMES,
            "role_names": role_names(),
            "detail_names": detail_names(),
            "status_names": status_names(),
            "change_names": change_names(),
            "action_names": action_names(),
            "audit_details": audit_details,
            "has_rooms": "rooms" in app.blueprints,
        }
