"""The notifications list (header and API) and marking them read."""

from flask import Blueprint, Flask, has_request_context, jsonify
from flask_login import current_user

from deliberate.access import require_user
from deliberate.api import json_body
from deliberate.extensions import csrf, db
from deliberate.i18n import current_language
from deliberate.notifications import services

api = Blueprint("notifications_api", __name__, url_prefix="/api/v1/notifications")
csrf.exempt(api)


def register(app: Flask) -> None:
    app.register_blueprint(api)

    @app.context_processor
    def header_notifications():
        if not has_request_context() or not current_user.is_authenticated:
            return {"notifications_unread": 0, "notifications_list": []}
        language = current_language()
        return {
            "notifications_unread": services.unread_count(current_user),
            "notifications_list": [services.view(n, language) for n in services.recent(current_user)],
        }


@api.route("", methods=["GET"])
def index():
    user = require_user(current_user)
    language = current_language()
    return jsonify(
        {
            "unread": services.unread_count(user),
            "notifications": [services.view(n, language) for n in services.recent(user)],
        }
    )


@api.route("/read", methods=["POST"])
def read():
    body = json_body()
    user = require_user(current_user)
    count = services.mark_read(user, body.get("ids"))
    db.session.commit()
    return jsonify({"marked": count, "unread": services.unread_count(user)})
