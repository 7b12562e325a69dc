"""What every response and request goes through: security headers, JSON-only API writes, body limit.

The browser side keeps no inline script (the room's configuration travels as JSON in a
``type="application/json"`` element), so the policy allows scripts from this site only.
"""

from flask import Flask, request
from flask_babel import gettext as _

from deliberate.errors import DomainError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors {ancestors}"
)
WRITES = frozenset({"POST", "PUT", "PATCH"})
# Pages that show nothing private: shared caches may keep them.
PUBLIC_ENDPOINTS = frozenset({"static", "healthz"})


def init_app(app: Flask) -> None:
    @app.before_request
    def json_writes_only():
        # A cross-site form can post urlencoded or multipart bodies without a CORS preflight, with
        # the login cookie; it cannot send application/json. So no API write accepts anything else.
        if request.method in WRITES and request.path.startswith("/api/") and not request.is_json:
            raise DomainError("invalid", _("Send a JSON body with Content-Type: application/json."))

    @app.after_request
    def headers(response):
        embeddable = request.view_args is not None and getattr(request, "projector_embeddable", False)
        response.headers.setdefault(
            "Content-Security-Policy", CSP.format(ancestors="*" if embeddable else "'none'")
        )
        if not embeddable:
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint not in PUBLIC_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        return response
