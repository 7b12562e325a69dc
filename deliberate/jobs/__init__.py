"""The job layer: heavy work runs outside the server's event loop.

A job is a plain function of plain (JSON-serialisable) arguments, named by its dotted path, for example
``deliberate.reports.jobs.export``. It lives in the area it belongs to (``reports/jobs.py``,
``clusters/jobs.py``...). A service enqueues it with ``enqueue``; the job leaves only once the current
transaction commits (the same rule as publishing), so a worker never sees a row that is not there yet.

Inside a job: it runs in an application context with its own database session, in the language of
the person who asked, commits its own writes, publishes room events through
``deliberate.realtime.outbox`` as any service does, and may call ``progress(done, total)``. What it
returns (JSON) is the job's result; a file it makes is kept with ``store_file`` and named in the result
as ``{"file": id}``. A ``DomainError`` it raises is the failed job's message.

Every job is a row (``jobs.models.Job``): id, state (queued, running, done, failed), progress, error,
result, who asked. Where it runs is the backend's business (``runner.py`` does the running for all):

- inline: in this process right after the commit (tests, the command line);
- the local pool (``local.py``): worker processes that ``deliberate serve`` starts and supervises;
- the Redis queue (``queue.py``, RQ): ``deliberate worker`` processes anywhere.

This module sits low, beside ``realtime/``: it knows no area, and areas know only ``enqueue``,
``progress`` and the file helpers. Only the command line builds the app and starts pools or workers.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import update

from deliberate import aftercommit
from deliberate.dbtypes import iso, utcnow
from deliberate.errors import DomainError, not_found
from deliberate.extensions import db, socketio
from deliberate.jobs.models import ACTIVE, Job, JobFile

log = logging.getLogger(__name__)

_KEY = aftercommit.register("deliberate.jobs")
BACKEND = "deliberate.jobs.backend"
# Files kept for the cache; older ones go (a job whose file went answers "expired").
KEEP_FILES = 200


class Backend(Protocol):
    def submit(self, job_id: str) -> None: ...


def resolve(name: str) -> Callable[..., Any]:
    """The job function named ``name`` (a dotted path inside the package)."""
    if not name.startswith("deliberate."):
        raise ValueError(f"not a job of this package: {name}")
    module, _sep, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def kind(name: str) -> str:
    """``deliberate.reports.jobs.export`` -> ``reports.export``: what the job is, for people and scripts."""
    return name.removeprefix("deliberate.").replace(".jobs.", ".")


def enqueue(
    name: str,
    *args: Any,
    key: str | None = None,
    fresh: bool = False,
    user_id: int | None = None,
    session_id: int | None = None,
    roles: frozenset[str] | set[str] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Run job ``name(*args)`` once the current transaction commits.

    ``key`` names identical work: while a job with that key is queued or running, the same request
    joins it instead of starting another. ``fresh``: the job reads the state it works on when it
    starts (what to embed, translate, group), so one that has started cannot serve a later request:
    only a queued one is joined. ``user_id`` is the person who asked: they (and whoever
    joins) alone receive its progress. ``session_id`` and ``roles``: who else may read it, namely
    whoever holds one of those roles in that session (whoever could have asked). Returns the job's view.
    """
    resolve(name)  # fail now, in the caller, on a misspelt name
    if language is None:
        from deliberate.i18n import current_language

        language = current_language() if has_app_context() else "en"
    if key is not None:
        states = ("queued",) if fresh else ACTIVE
        shared = db.session.scalar(db.select(Job).where(Job.key == key, Job.state.in_(states)).limit(1))
        if shared is not None:
            if user_id is not None and user_id not in shared.askers:
                shared.askers = [*shared.askers, user_id]
            return view(shared)
    job = Job(
        id=uuid.uuid4().hex,
        name=name,
        args=list(args),
        key=key,
        state="queued",
        done=0,
        total=0,
        attempts=0,
        user_id=user_id,
        askers=[user_id] if user_id is not None else [],
        session_id=session_id,
        roles=sorted(roles or ()),
        language=language,
    )
    db.session.add(job)
    db.session.flush()
    aftercommit.waiting(db.session, _KEY).append(job.id)
    return view(job)


def progress(done: int, total: int) -> None:
    """Report how far the running job is; a no-op outside a job."""
    reporter = _current_reporter()
    if reporter is not None:
        reporter(done, total)


_reporter: list[Callable[[int, int], None]] = []


def _current_reporter() -> Callable[[int, int], None] | None:
    return _reporter[-1] if _reporter else None


# --- Reading jobs and their files -----------------------------------------------------------------


def get(job_id: object) -> Job:
    job = db.session.get(Job, job_id) if isinstance(job_id, str) and len(job_id) <= 32 else None
    if job is None:
        raise not_found(_("No such job."))
    return job


def download_url(job: Job) -> str | None:
    if job.state == "done" and isinstance(job.result, dict) and "file" in job.result:
        return f"/api/v1/jobs/{job.id}/file"
    return None


def view(job: Job) -> dict[str, Any]:
    """A job as the API and the ``job`` socket event show it."""
    return {
        "id": job.id,
        "kind": kind(job.name),
        "state": job.state,
        "progress": {"done": job.done or 0, "total": job.total or 0},
        "error": {"code": job.error_code, "message": job.error_message} if job.state == "failed" else None,
        "result": job.result if job.state == "done" else None,
        "download_url": download_url(job),
        "attempts": job.attempts or 0,
        "created_at": iso(job.created_at),
        "finished_at": iso(job.finished_at),
    }


def wait(job_id: str, timeout: float) -> Job:
    """The job once it is done or failed, or as it is after ``timeout`` seconds.

    Waits with ``socketio.sleep``: in the server, other requests and every room go on meanwhile.
    Each look ends its read transaction, so the next one sees what the worker committed.
    """
    delay, waited = 0.02, 0.0
    while True:
        db.session.commit()
        job = get(job_id)
        db.session.refresh(job)
        if job.state not in ACTIVE or waited >= timeout:
            return job
        socketio.sleep(delay)
        waited += delay
        delay = min(delay * 1.5, 0.25)


def store_file(cache_key: str, data: bytes, media_type: str, filename: str) -> int:
    """Keep a file a job made; ``cached_file(cache_key)`` finds it again.

    Commits first: on SQLite a transaction that has read while others wrote cannot start writing
    (its snapshot is stale), and a job reads for seconds while the rooms write.
    """
    db.session.commit()
    kept = JobFile(cache_key=cache_key, data=data, media_type=media_type, filename=filename)
    db.session.add(kept)
    db.session.flush()
    oldest = db.session.scalars(db.select(JobFile.id).order_by(JobFile.id.desc()).offset(KEEP_FILES)).all()
    if oldest:
        db.session.execute(db.delete(JobFile).where(JobFile.id.in_(oldest)))
    return kept.id


def cached_file(cache_key: str) -> int | None:
    return db.session.scalar(
        db.select(JobFile.id).where(JobFile.cache_key == cache_key).order_by(JobFile.id.desc()).limit(1)
    )


def result_file(job: Job, unfinished: str | None = None) -> JobFile:
    """The file a finished job made; otherwise why there is none: the job's own failure, ``unfinished``
    (what to say while it still runs), or a file that is gone."""
    if job.state == "failed":
        raise DomainError(job.error_code or "invalid", job.error_message or "")
    if job.state != "done":
        raise DomainError("conflict", unfinished or _("The job has not finished yet."))
    kept = db.session.get(JobFile, job.result["file"]) if download_url(job) else None
    if kept is None:
        raise not_found(_("This job has no file (any more); ask for it again."))
    return kept


# --- Leaving after the commit ---------------------------------------------------------------------


class InlineBackend:
    """Runs each job here and now, in a fresh application context (tests, the command line)."""

    def submit(self, job_id: str) -> None:
        from deliberate.jobs import runner

        runner.execute(current_app._get_current_object(), job_id, "inline")


_inline = InlineBackend()


def backend() -> Backend:
    return current_app.extensions.get(BACKEND) or _inline


def _send_after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released (SQLAlchemy calls after_commit then too): the job is not committed
    pending = session.info.pop(_KEY, [])
    if not pending or not has_app_context():
        return
    chosen = backend()
    for job_id in pending:
        try:
            chosen.submit(job_id)
        except Exception:  # the queue is away (Redis down): say so rather than leave it waiting
            log.exception("job %s could not be queued", job_id)
            _unqueued(job_id)


def _unqueued(job_id: str) -> None:
    """Fail a committed job that its backend would not take; the asker may ask again."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == "queued")
                .values(
                    state="failed",
                    error_code="invalid",
                    error_message=_("The job could not be queued; try again in a moment."),
                    finished_at=utcnow(),
                )
            )
    except Exception:
        log.exception("job %s could not be marked as failed", job_id)


def _listen() -> None:
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event

    event.listen(Session, "after_commit", _send_after_commit)  # a rollback: deliberate/aftercommit.py


_listen()
