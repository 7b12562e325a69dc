"""Every ``TRANSLATION_RETRY`` seconds, a job fills in the translations a failing provider left out."""

from __future__ import annotations

import logging
import threading

from flask import Flask

from deliberate import jobs
from deliberate.extensions import db

_started: set[int] = set()
_lock = threading.Lock()


def start(app: Flask, socketio) -> None:
    """Start the retry loop once per process (on the first socket connection), if translation is on."""
    if "deliberate.translation" not in app.extensions or app.testing:
        return  # tests call jobs.retry_missing themselves
    with _lock:
        if id(app) in _started:
            return
        _started.add(id(app))
    socketio.start_background_task(_run, app, socketio)


def _run(app: Flask, socketio) -> None:
    interval = max(5, int(app.config.get("TRANSLATION_RETRY") or 30))
    while True:
        socketio.sleep(interval)
        try:
            with app.app_context():
                jobs.enqueue("deliberate.translation.jobs.retry_missing", key="translation:retry", fresh=True)
                db.session.commit()
        except Exception:  # a database hiccup must not end the loop for good
            logging.getLogger(__name__).exception("translation retry failed")
