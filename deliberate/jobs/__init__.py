"""The job layer: heavy work runs outside the server's event loop.

A job is a plain function of plain (JSON-serialisable) arguments, named by its dotted path, for example
``deliberate.reports.jobs.export``. It lives in the area it belongs to (``reports/jobs.py``,
``clusters/jobs.py``...). A service enqueues it with ``enqueue``; the job leaves only once the current
transaction commits (the same rule as publishing), so a worker never sees a row that is not there yet.

Inside a job: it runs in an application context with its own database session, commits its own
writes, publishes room events through ``deliberate.realtime.outbox`` as any service does, and may call
``progress(done, total)``.

This module sits low, beside ``realtime/``: it knows no area, and areas know only ``enqueue`` and
``progress``. Backends (``JOBS`` in the configuration): ``inline`` runs the job in the same process
right after the commit (tests, CLI); the worker issue adds the local pool and the Redis queue behind
the same two functions.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context

from deliberate.extensions import db

_KEY = "deliberate.jobs"


def resolve(name: str) -> Callable[..., Any]:
    """The job function named ``name`` (a dotted path inside the package)."""
    if not name.startswith("deliberate."):
        raise ValueError(f"not a job of this package: {name}")
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def enqueue(name: str, *args: Any, key: str | None = None, user_id: int | None = None) -> dict[str, Any]:
    """Run job ``name(*args)`` once the current transaction commits.

    ``key`` names identical work (two requests with the same key while one runs share it);
    ``user_id`` is the person who asked, who alone receives its progress. Returns ``{id, state}``.
    """
    resolve(name)  # fail now, in the caller, on a misspelt name
    job = {"id": uuid.uuid4().hex, "name": name, "args": list(args), "key": key, "user_id": user_id}
    db.session.info.setdefault(_KEY, []).append(job)
    return {"id": job["id"], "state": "queued"}


def progress(done: int, total: int) -> None:
    """Report how far the running job is; a no-op outside a job."""
    reporter = _current_reporter()
    if reporter is not None:
        reporter(done, total)


_reporter: list[Callable[[int, int], None]] = []


def _current_reporter() -> Callable[[int, int], None] | None:
    return _reporter[-1] if _reporter else None


def run_inline(job: dict[str, Any]) -> Any:
    """Run one job here and now, in a fresh application context (its own database session)."""
    app = current_app._get_current_object()
    with app.app_context():
        try:
            return resolve(job["name"])(*job["args"])
        finally:
            db.session.remove()


def _send_after_commit(session) -> None:
    pending = session.info.pop(_KEY, [])
    if not pending or not has_app_context():
        return
    for job in pending:
        run_inline(job)


def _discard(session, _previous_transaction) -> None:
    session.info.pop(_KEY, None)


def _listen() -> None:
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event

    event.listen(Session, "after_commit", _send_after_commit)
    event.listen(Session, "after_soft_rollback", _discard)


_listen()
