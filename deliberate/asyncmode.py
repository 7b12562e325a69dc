"""The one place that decides the async mode and monkey patches the standard library.

Import this module before anything else (``deliberate.cli`` and ``wsgi.py`` do), so that sockets,
threads and the PostgreSQL driver cooperate with the chosen event loop. Everything else in the
package uses ``socketio.start_background_task`` and ``socketio.sleep`` and never names eventlet or
gevent, so switching mode is a matter of setting ``DELIBERATE_ASYNC_MODE``.
"""

import os

SUPPORTED = ("eventlet", "gevent", "threading")

MODE = os.environ.get("DELIBERATE_ASYNC_MODE", "eventlet").strip().lower() or "eventlet"
if MODE not in SUPPORTED:
    raise SystemExit(f"DELIBERATE_ASYNC_MODE must be one of {', '.join(SUPPORTED)}, not {MODE!r}")

_patched = False


def patch() -> str:
    """Monkey patch for the configured mode (once) and return the mode's name."""
    global _patched
    if _patched:
        return MODE
    _patched = True
    if MODE == "eventlet":
        import warnings

        # eventlet announces its own deprecation on import; the choice is documented in the README.
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
    elif MODE == "gevent":
        from gevent import monkey

        monkey.patch_all()
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()
    return MODE


def in_thread(function, *args, **kwargs):
    """Run ``function`` in a real OS thread and wait for it without holding the event loop.

    For CPU work that releases the GIL (``hashlib.scrypt``, ``pbkdf2_hmac``: password hashing): under
    eventlet or gevent, the other greenlets keep running while it computes. In threading mode the
    caller is already a thread of its own, and the function is simply called.
    """
    if _patched and MODE == "eventlet":
        from eventlet import tpool

        return tpool.execute(function, *args, **kwargs)
    if _patched and MODE == "gevent":
        import gevent

        return gevent.get_hub().threadpool.apply(function, args, kwargs)
    return function(*args, **kwargs)


def socket_patched() -> bool:
    """Whether the standard library's sockets really are the event loop's (checked, not assumed)."""
    if MODE == "eventlet":
        from eventlet import patcher

        return patcher.is_monkey_patched("socket")
    if MODE == "gevent":
        from gevent import monkey

        return monkey.is_module_patched("socket")
    return False
