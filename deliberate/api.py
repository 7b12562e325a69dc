"""What every JSON route shares: reading the body, answering errors the contract's way."""

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from deliberate.errors import DomainError, invalid

_HTTP_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "invalid",
    409: "conflict",
    413: "invalid",
    415: "invalid",
    429: "rate_limited",
}


def json_body() -> dict[str, Any]:
    """The request's JSON object; a write must say ``Content-Type: application/json``.

    Requiring that type is also what keeps the cookie-authenticated API safe from cross-site form
    posts: a browser will not send it cross-origin without a CORS preflight, which we never allow.
    """
    if not request.is_json:
        raise DomainError("invalid", _("Send a JSON body with Content-Type: application/json."))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise invalid(_("The body must be a JSON object."))
    return body


def error_response(code: str, message: str, status: int):
    return jsonify({"error": {"code": code, "message": message}}), status


def handle_domain_error(error: DomainError):
    return error_response(error.code, error.message, error.status)


def http_message(error: HTTPException) -> str:
    """The reader's language for an HTTP error: Werkzeug's own descriptions are English, so each
    status says its translated sentence unless the code that raised it wrote its own."""
    own = error.description and error.description != type(error).description
    if own:
        return error.description
    status = error.code or 500
    messages = {
        400: _("The request could not be understood."),
        401: _("Log in first."),
        403: _("You may not do that."),
        404: _("There is nothing at this address."),
        405: _("This address does not accept that kind of request."),
        409: _("That conflicts with the current state; reload and try again."),
        413: _("That is too large to send."),
        415: _("Send a JSON body with Content-Type: application/json."),
        429: _("Too many requests at once: try again in a moment."),
    }
    return messages.get(status, _("The server could not answer this request."))


def csrf_message() -> str:
    return _("This form has expired or was sent from another site: reload the page and try again.")


def handle_http_error(error: HTTPException):
    status = error.code or 500
    return error_response(_HTTP_CODES.get(status, "invalid"), http_message(error), status)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def file_response(data: bytes, media_type: str, filename: str, inline: bool = False) -> Response:
    """A file to download (or, ``inline``, to show), never sniffed into another type by the browser."""
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        # content_type, not mimetype: Werkzeug appends a second "; charset=utf-8" to a text mimetype.
        content_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
