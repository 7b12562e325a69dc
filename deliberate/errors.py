"""Domain errors: one exception type carrying the contract's error code.

Services raise them; routes turn them into a 4xx JSON body and socket handlers into an ack with
``ok: false``.
"""

from typing import Any

from flask_babel import gettext as _

HTTP_STATUS = {
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "invalid": 400,
    "conflict": 409,
    "rate_limited": 429,
    "closed": 409,
    # The session is archived: read-only for everyone (organisers can unarchive it).
    "archived": 409,
}


class DomainError(Exception):
    def __init__(self, code: str, message: str) -> None:
        assert code in HTTP_STATUS, code
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def invalid(message: str) -> DomainError:
    return DomainError("invalid", message)


def not_found(message: str) -> DomainError:
    return DomainError("not_found", message)


def forbidden(message: str | None = None) -> DomainError:
    return DomainError("forbidden", message or _("You may not do that in this session."))
