"""Running one job, the same way in every backend: claim it, run it, record how it ended, tell the askers.

A worker that dies mid-job leaves the row ``running``; whoever notices (the pool's supervisor at once,
or the sweep of stale heartbeats for the Redis queue) calls ``worker_died``: the job goes back to the
queue once, and the second death marks it failed. It is never left running.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from deliberate import jobs
from deliberate.database import retrying
from deliberate.dbtypes import utcnow
from deliberate.errors import DomainError
from deliberate.extensions import db
from deliberate.jobs.models import Job
from deliberate.realtime.publisher import user_room

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # the first run and one retry after a worker died
HEARTBEAT = 5.0  # seconds between "still running" marks
PROGRESS_EVERY = 0.2  # at most this often, a progress event
QUEUED_GRACE = 10.0  # seconds a queued row may wait for its submission to reach the queue (after commit)


def tell(app: Flask, job: Job) -> None:
    """Send the job's state to the people who asked for it, and only to them."""
    if job.askers:
        app.extensions["deliberate.publisher"].emit("job", jobs.view(job), [user_room(u) for u in job.askers])


def _claim(job_id: str, worker: str) -> Job | None:
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "queued")
        .values(
            state="running",
            attempts=Job.attempts + 1,
            worker=worker,
            started_at=now,
            heartbeat_at=now,
            done=0,
            total=0,
        )
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if claimed else None


class _Beat:
    """Marks the job alive every few seconds from a thread, on a connection of its own."""

    def __init__(self, engine, job_id: str, interval: float) -> None:
        self.engine, self.job_id, self.interval = engine, job_id, interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"heartbeat-{job_id}")

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.mark()

    def mark(self, **values: Any) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(Job)
                    .where(Job.id == self.job_id, Job.state == "running")
                    .values(heartbeat_at=utcnow(), **values)
                )
        except Exception:  # a busy database delays a mark; the next one comes
            log.debug("heartbeat of job %s skipped", self.job_id, exc_info=True)

    def __enter__(self) -> _Beat:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopped.set()


def execute(app: Flask, job_id: str, worker: str) -> None:
    """Run job ``job_id`` if it is still queued; record done or failed; tell the askers each step."""
    with app.app_context():
        try:
            job = _claim(job_id, worker)
            if job is None:
                return  # someone else has it, or it ended meanwhile
            tell(app, job)
            heartbeat = app.config.get("JOB_HEARTBEAT", HEARTBEAT)
            with force_locale(job.language), _Beat(db.engine, job.id, heartbeat) as beat:
                _run(app, job, beat)
        finally:
            db.session.remove()


def _run(app: Flask, job: Job, beat: _Beat) -> None:
    job_id, askers, name, args = job.id, list(job.askers), job.name, list(job.args)
    running = jobs.view(job)
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY and done < total:
            return
        last[0] = now
        beat.mark(done=done, total=total)
        if askers:
            shown = running | {"progress": {"done": done, "total": total}}
            app.extensions["deliberate.publisher"].emit("job", shown, [user_room(u) for u in askers])

    jobs._reporter.append(report)

    def work() -> Any:
        result = jobs.resolve(name)(*args)
        db.session.commit()
        return result

    try:
        result = retrying(work, time.sleep)
        outcome: dict[str, Any] = {"state": "done", "result": result}
    except DomainError as error:
        db.session.rollback()
        outcome = {"state": "failed", "error_code": error.code, "error_message": error.message}
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, name)
        outcome = {
            "state": "failed",
            "error_code": "invalid",
            "error_message": _("The server could not finish this job."),
        }
    finally:
        jobs._reporter.pop()

    def record() -> Job:
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        for field, value in outcome.items():
            setattr(job, field, value)
        if outcome["state"] == "done" and job.total:
            job.done = job.total
        job.finished_at = utcnow()
        db.session.commit()
        return job

    tell(app, retrying(record, time.sleep))


def worker_died(app: Flask, job_id: str) -> bool:
    """The worker running ``job_id`` stopped: queue it again once (True), else mark it failed."""
    with app.app_context():
        try:
            job = db.session.get(Job, job_id)
            if job is None or job.state in ("done", "failed"):
                return False
            if job.state == "queued":
                return True  # it never started: nothing to count
            if job.attempts < MAX_ATTEMPTS:
                job.state, job.worker = "queued", None
            else:
                with force_locale(job.language):
                    job.state = "failed"
                    job.error_code = "invalid"
                    job.error_message = _(
                        "The worker running this job stopped, and again on the second try; "
                        "it was not finished."
                    )
                job.finished_at = utcnow()
            db.session.commit()
            tell(app, job)
            return job.state == "queued"
        finally:
            db.session.remove()


def _job_ids(app: Flask, *where) -> list[str]:
    with app.app_context():
        try:
            return list(db.session.scalars(db.select(Job.id).where(*where).order_by(Job.created_at)).all())
        finally:
            db.session.remove()


def _ago(seconds: float):
    return utcnow() - timedelta(seconds=seconds)


def stale(app: Flask, older_than: float) -> list[str]:
    """Running jobs whose heartbeat stopped more than ``older_than`` seconds ago (dead workers)."""
    return _job_ids(app, Job.state == "running", Job.heartbeat_at < _ago(older_than))


def queued(app: Flask) -> list[str]:
    return _job_ids(app, Job.state == "queued")


def queued_before(app: Flask, older_than: float) -> list[str]:
    """Jobs queued more than ``older_than`` seconds ago that no worker has taken yet."""
    return _job_ids(app, Job.state == "queued", Job.created_at < _ago(older_than))


def sweep(app: Flask, older_than: float, submit, waiting: Callable[[], set[str]] | None = None) -> None:
    """Retry (through ``submit``) or fail the jobs of dead workers; with ``waiting`` (the job ids the
    queue holds), queue again the jobs that the queue lost (a Redis restarted empty keeps nothing)."""
    for job_id in stale(app, older_than):
        if worker_died(app, job_id):
            submit(job_id)
    if waiting is None:
        return
    candidates = queued_before(app, QUEUED_GRACE)
    if not candidates:
        return
    held = waiting()  # read after the rows: a job taken meanwhile is either running or held here
    for job_id in candidates:
        if job_id not in held:
            log.warning("job %s was queued but the queue no longer holds it: queued again", job_id)
            submit(job_id)
