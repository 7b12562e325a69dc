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
    # Nothing was stored: the database or Redis could not be reached. The same request, sent again
    # (a post with its client_id), is safe and may well succeed a moment later.
    "unavailable": 503,
}

# Codes a client retries by itself, with the same payload.
RETRYABLE = ("unavailable",)


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


def unavailable() -> DomainError:
    return DomainError("unavailable", _("The server is busy or recovering: try again in a moment."))


def invalid(message: str) -> DomainError:
    return DomainError("invalid", message)


def not_found(message: str) -> DomainError:
    return DomainError("not_found", message)


def forbidden(message: str | None = None) -> DomainError:
    return DomainError("forbidden", message or _("You may not do that in this session."))


def outage_types() -> tuple[type[BaseException], ...]:
    """Errors that say a service (the database, Redis) could not be reached or refused for now,
    rather than that the request was wrong: they are answered ``unavailable``, which clients retry."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from sqlalchemy import exc

    return (
        RedisConnectionError,
        RedisTimeoutError,
        exc.OperationalError,
        exc.InterfaceError,
        exc.DisconnectionError,
        exc.TimeoutError,
    )


def is_outage(error: BaseException) -> bool:
    from deliberate.database import is_transient

    return isinstance(error, outage_types()) or is_transient(error)
