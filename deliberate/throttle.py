"""Throttles on what one person or one address can make the server do, with Flask-Limiter.

HTTP routes use its decorators; socket events (which Flask-Limiter does not see) count through the
same storage with ``hit``. With a message queue configured the counts live in that Redis, so they
hold across every process.
"""

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from deliberate.errors import DomainError, is_outage
from deliberate.extensions import limiter


def config_limit(name: str):
    """A limit read from the configuration when the request comes (tests and deployments set it)."""
    return lambda: current_app.config[name]


def person_key() -> str:
    """Per person when logged in, per address otherwise."""
    if current_user.is_authenticated:
        return f"person:{current_user.id}"
    return f"ip:{request.remote_addr}"


def account_key() -> str:
    """The account a log-in names, with the address it comes from: failed attempts from elsewhere do
    not lock the person out where they are."""
    body = request.get_json(silent=True) if request.is_json else None
    email = body.get("email") if isinstance(body, dict) else request.form.get("email")
    return f"account:{str(email or '').strip().lower()[:254]}:{request.remote_addr}"


# While Redis is unreachable, socket events count in this process's memory (as routes do, through
# Flask-Limiter's in-memory fallback): a throttle must not refuse everyone, nor let anyone through.
_fallback = MovingWindowRateLimiter(MemoryStorage())


def hit(config_name: str, scope: str, key: object) -> None:
    """Count one ``scope`` action for ``key`` (socket events), or raise ``rate_limited``."""
    if not limiter.enabled:
        return
    for item in parse_many(current_app.config[config_name]):
        try:
            allowed = limiter.limiter.hit(item, scope, str(key))
        except Exception as error:
            if not is_outage(error):
                raise
            allowed = _fallback.hit(item, scope, str(key))
        if not allowed:
            raise DomainError("rate_limited", _("Too many at once: try again in a moment."))
