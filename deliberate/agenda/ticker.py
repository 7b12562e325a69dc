"""Automatic closing at zero: one light loop per process, started with the first follower.

Every process runs it; the conditional update in ``close_expired`` makes one of them win each question,
so a question closes once, on time, even if the moderator's process is gone.
"""

import logging
import threading

from flask import Flask

from deliberate.extensions import db

INTERVAL = 0.5
_started: set[int] = set()
_lock = threading.Lock()


def start(app: Flask, socketio) -> None:
    if app.testing:
        return  # tests call ``tick`` themselves: no thread outlives its test's database
    with _lock:
        if id(app) in _started:
            return
        _started.add(id(app))
    socketio.start_background_task(_run, app, socketio)


def tick(app: Flask) -> int:
    from deliberate.agenda.services import close_expired

    with app.app_context():
        try:
            closed = close_expired()
            db.session.commit()
            return len(closed)
        finally:
            db.session.remove()


def _run(app: Flask, socketio) -> None:
    while True:
        socketio.sleep(INTERVAL)
        try:
            tick(app)
        except Exception:  # a database hiccup must not end the loop for good
            logging.getLogger(__name__).exception("countdown tick failed")
