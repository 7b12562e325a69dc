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
# Who may frame a page: nobody, unless its view says otherwise (``allow_framing``).
FRAME_OPTIONS = {"'none'": "DENY", "'self'": "SAMEORIGIN"}  # "*": no X-Frame-Options at all
WRITES = frozenset({"POST", "PUT", "PATCH"})
# Pages that show nothing private: shared caches may keep them.
PUBLIC_ENDPOINTS = frozenset({"static", "healthz"})


def allow_framing(by: str) -> None:
    """This response may be framed ``by`` this site (``"'self'"``: the review page's report preview)
    or by any site (``"*"``: a projector page whose organiser allows embedding)."""
    request.frame_ancestors = by


def framing(current) -> str:
    if current.view_args is None:  # no view ran (a 404 before routing): the default
        return "'none'"
    return getattr(current, "frame_ancestors", "'none'")


def init_app(app: Flask) -> None:
    # After Flask-SocketIO has put Engine.IO in front of the app: this goes in front of both.
    app.wsgi_app = PollingBodyLimit(app.wsgi_app, app.config["MAX_HTTP_BUFFER_SIZE"])
    if not app.config.get("WEBSOCKET_COMPRESSION"):
        app.wsgi_app = NoWebSocketCompression(app.wsgi_app)
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies:
        # Behind nginx every request comes from 127.0.0.1: the per-address throttles would count the
        # whole site as one address. Only as many X-Forwarded-* hops as there are proxies are believed
        # (a client can write the header too); outermost, so Engine.IO sees the real address as well.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.before_request
    def json_writes_only():
        # A cross-site form can post urlencoded or multipart bodies without a CORS preflight, with
        # the login cookie; it cannot send application/json. So no API write accepts anything else.
        if request.method in WRITES and request.path.startswith("/api/") and not request.is_json:
            raise DomainError("invalid", _("Send a JSON body with Content-Type: application/json."))

    @app.after_request
    def headers(response):
        ancestors = framing(request)
        response.headers.setdefault("Content-Security-Policy", CSP.format(ancestors=ancestors))
        if ancestors in FRAME_OPTIONS:
            response.headers.setdefault("X-Frame-Options", FRAME_OPTIONS[ancestors])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint not in PUBLIC_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        return response


class PollingBodyLimit:
    """Refuse an oversized long-polling POST before Engine.IO sees it, without reading its body.

    Engine.IO refuses such a body by closing the session, and that close waits for the client's next
    poll to take the close packet: a script that never polls again keeps the request, its connection
    and a greenlet forever, unanswered (python-engineio 4.x). A body without a length (chunked) is
    refused too: Socket.IO clients always send one.
    """

    def __init__(self, wsgi_app, limit: int, path: str = "/socket.io") -> None:
        self.wsgi_app, self.limit, self.path = wsgi_app, limit, path

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(self.path):
            try:
                length = int(environ.get("CONTENT_LENGTH") or -1)
            except ValueError:
                length = -1
            if length < 0 or length > self.limit:
                status = "413 Request Entity Too Large" if length > self.limit else "411 Length Required"
                body = b"Payload too large" if length > self.limit else b"Length required"
                # The unread body stays on the socket: close the connection rather than read it.
                headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
                start_response(status, [*headers, ("Connection", "close")])
                return [body]
        return self.wsgi_app(environ, start_response)


class NoWebSocketCompression:
    """Socket.IO websockets without permessage-deflate: the offer is taken out of the handshake, so
    the server (eventlet's or simple-websocket's) does not accept it.

    Compression costs the server one deflate per frame per client (the same frame, compressed again
    for each of a room's thousand sockets, with each socket's own context): in a room of 1,000 at 10
    posts a second that was 44 % of the process's CPU. Node's socket.io leaves it off by default too.
    """

    def __init__(self, wsgi_app, path: str = "/socket.io") -> None:
        self.wsgi_app, self.path = wsgi_app, path

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.path):
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.wsgi_app(environ, start_response)
