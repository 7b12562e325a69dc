"""Choosing and starting the job backend of a server: the embedded pool, or the Redis queue."""

from flask import Flask

from deliberate.extensions import socketio
from deliberate.jobs import BACKEND, runner


def start(app: Flask):
    """Start this server's backend (``deliberate serve`` calls it once) and return it."""
    url = app.config.get("JOB_QUEUE")
    if url:
        from deliberate.jobs.queue import RedisBackend

        backend = RedisBackend(url)
        stale = app.config["JOB_STALE"]

        def sweep_forever() -> None:
            while True:
                socketio.sleep(max(1.0, stale / 3))
                try:
                    runner.sweep(app, stale, backend.submit, backend.waiting)
                except Exception:  # the database or Redis away for a moment: next round
                    app.logger.warning("job sweep failed", exc_info=True)

        socketio.start_background_task(sweep_forever)
    else:
        from deliberate.jobs.local import LocalPool

        backend = LocalPool(app, app.config["JOB_WORKERS"]).start()
    app.extensions[BACKEND] = backend
    return backend
